from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipdesk.core.fields import EncryptedCharField
from ipdesk.core.models import AuditedModel
from ipdesk.core.scoping import CHANGE, OFFICERS, RestrictedQuerySet, Role, Scope


def rank(user):
    """A user's place in account administration: superuser 3 > city officer 2 > every other role 1."""
    if user.is_superuser:
        return 3
    return 2 if user.role == Role.CITY_OFFICER else 1


class UserQuerySet(RestrictedQuerySet):
    def manageable_by(self, actor):
        """The accounts `actor` may change (edit, set the password, unlock, reset the authenticator).

        Within the data scope, only accounts ranked below the actor's own (see `rank`), so a city
        officer can neither take over a superuser nor another city officer (nor edit their own role);
        a superuser manages everyone (最小权限、管理员权限分离, GB/T 22239-2019 8.1.4.2).
        """
        qs = self.restrict(actor, CHANGE)
        if actor.is_superuser:
            return qs
        # below the superuser only rank 1 can be managed (other roles see no account to change at all)
        return qs.filter(is_superuser=False).exclude(role=Role.CITY_OFFICER)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AuditedModel, AbstractUser):
    """A person who signs in. The role and its anchor (region, enterprise) decide the data scope.

    city officer / leader: the whole city; district officer: `region` and its children;
    enterprise user: `enterprise`; commissioner and public lawyer: what is assigned to them.
    """
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="users", verbose_name=_("所属区划"))
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users", verbose_name=_("所属企业"))
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机"), max_length=30, blank=True)  # encrypted at rest (core.fields)
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

    objects = ScopedUserManager()
    # City officers manage accounts; district officers see the accounts of their districts.
    scope = Scope(region="region", change_roles=frozenset({Role.CITY_OFFICER}))
    audit_exclude = ("created_at", "updated_at", "last_login")
    audit_secret = ("password", "phone")  # personal data never copied in clear into the audit log

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_officer(self):
        return self.is_superuser or self.role in OFFICERS

    @property
    def is_city_officer(self):
        return self.is_superuser or self.role == Role.CITY_OFFICER

    @property
    def is_read_only(self):
        return self.role == Role.LEADER and not self.is_superuser

    def set_password(self, raw_password):
        """Every new password restarts the expiry clock (PASSWORD_MAX_AGE_DAYS), whichever path set it."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        password_changed = self._password is not None  # set by set_password, cleared by the save below
        super().save(*args, **kwargs)
        if password_changed:
            revoke_api_tokens(self)

    def has_role(self, *roles):
        return self.is_superuser or self.role in roles


def revoke_api_tokens(user):
    """A new password or authenticator ends every API token issued before it: whoever took the old
    credentials must not keep a way in (own change, an officer's reset, expiry, `changepassword`)."""
    from rest_framework.authtoken.models import Token
    Token.objects.filter(user=user).delete()


class PasswordHistory(models.Model):
    """Earlier password hashes, so a new password cannot repeat a recent one (密码历史)."""
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = _("密码历史")
