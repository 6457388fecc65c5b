"""Data scope (数据权限): the one mechanism that decides which rows a user may reach.

Every model that holds domain data declares a `Scope` naming the paths from it to the things a
role is scoped by; `Model.objects.restrict(user, action)` turns the user's role into a queryset
filter. Lists, details, exports, searches and API endpoints all start from `restrict`, so a row
out of scope is simply not there (404), never hidden only in a template.

The roles follow SPEC section 1 and the convention of Chinese government back offices:
全部 (city officer, leader) / 本辖区及下级 (district officer) / 仅本人 (commissioner, enterprise, lawyer).
"""
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import extensions

VIEW, CHANGE = "view", "change"


class Role(models.TextChoices):
    CITY_OFFICER = "city_officer", _("市局工作人员")
    DISTRICT_OFFICER = "district_officer", _("区（市）局工作人员")
    COMMISSIONER = "commissioner", _("服务专员")
    ENTERPRISE = "enterprise", _("企业用户")
    LAWYER = "lawyer", _("公职律师/援助承办人")
    LEADER = "leader", _("领导（只读）")


OFFICERS = frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER})
STAFF_ROLES = frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.LEADER})


@dataclass(frozen=True)
class Scope:
    """Paths (Django lookups) from a model to what each role is scoped by.

    region: path to the region model (core.extensions.model("region"); district officers see that region and
      its children);
    enterprise: path to the user's enterprise (enterprise users see their own);
    commissioner: path to the commissioner user (service commissioners see their enterprises' rows);
    lawyer: path to the handler user (public lawyers see the cases assigned to them);
    public: reference data every signed-in user may read (changing it still needs an officer);
    owner: path to a user who owns the row (e.g. who started a job); every role below the city
      level also sees the rows it owns.
    personal: only the owner sees the row, whatever the role (a user's own messages).
    change_roles: roles that may change rows they can see (leaders never change anything).
    """
    region: str | None = None
    enterprise: str | None = None
    commissioner: str | None = None
    lawyer: str | None = None
    owner: str | None = None
    personal: bool = False
    public: bool = False
    change_roles: frozenset = field(default=OFFICERS)


def _role(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.CITY_OFFICER
    return getattr(user, "role", None)


def scope_filter(model, user, action=VIEW):
    """The Q a user's rows of `model` must match, or None when the user may reach no row."""
    q = _role_filter(model, user, action)
    scope = getattr(model, "scope", None)
    if scope is not None and scope.owner and _role(user) is not None and (action == VIEW or
                                                                        _role(user) in scope.change_roles):
        own = Q(**{scope.owner: user.pk})
        return own if q is None else (q if q == Q() else q | own)
    return q


def _role_filter(model, user, action):
    role = _role(user)
    scope = getattr(model, "scope", None)
    if role is None or scope is None:
        return None
    if scope.personal or (action != VIEW and role not in scope.change_roles):
        return None
    if scope.public and action == VIEW:
        return Q()
    if role in (Role.CITY_OFFICER, Role.LEADER):
        return Q()
    if role == Role.DISTRICT_OFFICER:
        region = getattr(user, "region", None)
        if scope.region is None or region is None:
            return None
        return Q(**{f"{scope.region}__in": region_ids(user)})
    if role == Role.ENTERPRISE:
        if scope.enterprise is None or not user.enterprise_id:
            return None
        return Q(**{scope.enterprise: user.enterprise_id})
    if role == Role.COMMISSIONER:
        return None if scope.commissioner is None else Q(**{scope.commissioner: user.pk})
    if role == Role.LAWYER:
        return None if scope.lawyer is None else Q(**{scope.lawyer: user.pk})
    return None


def region_ids(user):
    """The ids of the user's region and of every region under it, read once per user object (one
    request). Scopes compare these numbers with the row's region column: no join, and the database
    plans with its statistics of that column (how many rows a district has) instead of guessing."""
    memo = getattr(user, "_ipdesk_region_ids", None)
    if memo is None or memo[0] != (user.region_id, user.region.path):
        memo = ((user.region_id, user.region.path), list(user.region.descendants().values_list("pk", flat=True)))
        user._ipdesk_region_ids = memo
    return memo[1]


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        q = scope_filter(self.model, user, action)
        if q is None:
            return self.none()
        return self.filter(q).distinct() if _crosses_many(self.model, q) else self.filter(q)


def _crosses_many(model, q):
    """True when a scope path walks a to-many relation, so rows could repeat."""
    for child in q.children:
        lookup = child[0] if isinstance(child, tuple) else None
        if not lookup:
            continue
        current = model
        for part in lookup.split("__")[:-1]:
            try:
                f = current._meta.get_field(part)
            except Exception:
                break
            if f.many_to_many or f.one_to_many:
                return True
            if not f.is_relation:
                break
            current = f.related_model
    return False


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def choosable(queryset, user):
    """The rows of `queryset` a user may link a record it writes to (a foreign key or many-to-many):
    what the user may see, so nobody attaches another district's enterprise to its own record and
    makes that name show to everyone who reads the record. Data everyone may read that still belongs
    to a district (the regions themselves, the public service network) is narrowed for a district
    officer to its own districts (本辖区及下级); city-wide vocabularies stay whole. Narrows, never
    widens: a queryset a form or serializer already filtered keeps its filter."""
    model = queryset.model
    scope = getattr(model, "scope", None)
    if scope is None or not hasattr(queryset, "restrict"):
        return queryset
    role = _role(user)
    if role is None:
        return queryset.none()
    if scope.public and role == Role.DISTRICT_OFFICER:
        if model is extensions.model("region"):  # the regions themselves (registered by the regions app)
            path = "pk"
        elif scope.region:
            path = scope.region
        else:
            return queryset  # a city-wide vocabulary (dictionary entries, service types, time limits)
        if getattr(user, "region", None) is None:
            return queryset.none()
        return queryset.filter(**{f"{path}__in": region_ids(user)})
    return queryset.restrict(user, VIEW)


def can(user, model, action=VIEW):
    """Whether the user may `action` at least some rows of `model` (menus, buttons)."""
    return scope_filter(model, user, action) is not None
