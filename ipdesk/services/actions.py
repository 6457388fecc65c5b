"""State changes of the commissioner one-stop. The lifecycle steps are declared in services.workflows
and taken through core.workflow.perform, which checks who may act, locks the row within the user's scope
and checks the step is allowed; the effects below only change the record and return an `events.Step`, which
perform() writes as the typed event (events.record_step) before it tells the people concerned (the
transitions' notices, services.workflows). An invalid step raises a coded ValidationError (error_codes.py); a
role that may not act a coded PermissionDenied. Everything a step writes is saved together or not at all.
The actions that are not workflow transitions — submit_request, add_comment, attach_file and
assign_commissioner — write their own events and notifications."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipdesk.core.notify import notify, to_office
from ipdesk.core.scoping import CHANGE, Role
from ipdesk.core.workflow import perform

from . import events, rules
from .choices import EventKind, Rating, RequestStatus
from .error_codes import ServicesErrorCode, denied, error
from .models import CommissionerAssignment, RequestComment, ServiceRequest

HANDLER_ROLES = (Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER)
SUBMITTER_ROLES = (Role.ENTERPRISE, Role.COMMISSIONER, Role.CITY_OFFICER, Role.DISTRICT_OFFICER)


def _notify(recipient, kind, title, body="", link="", key=""):
    notify(recipient, title, link, kind, body=body, key=key)


def _writable(req, user):
    """The request as the user may change it (locked for the step), else 404-equivalent refusal."""
    locked = ServiceRequest.objects.restrict(user, CHANGE).select_for_update().filter(pk=req.pk).first()
    if locked is None:
        raise denied(ServicesErrorCode.OUT_OF_SCOPE)
    return locked


def _move(req, user, target, kind, at, note="", **changes):
    """The common part of a step's effect on the locked row: state, fields, handler; its event, for perform()."""
    before = req.status
    req.status = target
    for k, v in changes.items():
        setattr(req, k, v)
    if req.handler_id is None:
        req.handler = user
    req.save()
    return events.Step(kind, at, before, target, note)


def submit_request(user, enterprise, service_type, title, description="", at=None):
    """提出: an enterprise user for its own enterprise, or a commissioner/officer on its behalf."""
    from ipdesk.registry.models import Enterprise
    if not user.has_role(*SUBMITTER_ROLES):
        raise denied(ServicesErrorCode.SUBMITTER_ROLE)
    if not Enterprise.objects.restrict(user).filter(pk=enterprise.pk).exists():
        raise denied(ServicesErrorCode.ENTERPRISE_OUT_OF_SCOPE)
    if not service_type.is_active:
        raise error(ServicesErrorCode.SERVICE_TYPE_INACTIVE, t=service_type)
    title = (title or "").strip()
    if not title:
        raise error(ServicesErrorCode.TITLE_REQUIRED, field="title")
    at = at or timezone.now()
    with transaction.atomic():
        req = ServiceRequest.objects.create(
            enterprise=enterprise, service_type=service_type, title=title, description=description.strip(),
            submitted_by=user, submitted_at=at, promised_days=service_type.promised_days,
            former_days=service_type.former_days, day_unit=service_type.day_unit,
            due_date=rules.due_date(timezone.localtime(at).date(), service_type.promised_days, service_type.day_unit))
        events.submitted(req, user, at, RequestStatus.SUBMITTED)
        # the commissioner and the officers of the enterprise's district (core.notify.to_office)
        recipients = [enterprise.commissioner] + to_office(enterprise.region, user)
        notify([u for u in recipients if u is not None and u.pk != user.pk],
               _("新的服务申请：%(e)s · %(t)s") % {"e": enterprise, "t": title}, req.get_absolute_url(),
               "service_request", key=f"svc-{req.pk}-submitted",
               body=_("服务事项：%(s)s，承诺 %(d)s 天内办结（%(due)s 前）。")
               % {"s": service_type, "d": service_type.promised_days, "due": req.due_date})
    return req


# ---- the steps (services.workflows declares them; core.workflow.perform locks, checks and runs them) ----
def _at(data):
    return data.get("at") or timezone.now()


def clean_complete(data):
    result = (data.get("result") or "").strip()
    if not result:
        raise error(ServicesErrorCode.RESULT_REQUIRED, field="result")
    return {**data, "result": result}


def clean_reject(data):
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise error(ServicesErrorCode.REASON_REQUIRED, field="reason")
    return {**data, "reason": reason}


def clean_rate(data):
    try:
        rating = int(data.get("rating"))
    except (TypeError, ValueError):
        rating = None
    if rating not in Rating.values:
        raise error(ServicesErrorCode.RATING_INVALID, field="rating")
    return {**data, "rating": rating, "comment": (data.get("comment") or "").strip()[:500]}


def accept(req, user, data):
    """受理 (effect)."""
    at = _at(data)
    return _move(req, user, RequestStatus.ACCEPTED, EventKind.ACCEPTED, at, data.get("note", ""), accepted_at=at)


def process(req, user, data):
    """办理 (effect)."""
    at = _at(data)
    return _move(req, user, RequestStatus.PROCESSING, EventKind.PROCESSING, at, data.get("note", ""),
                 processing_at=at)


def complete(req, user, data):
    """办结 (effect): the handling time is measured in the unit of the limit."""
    at, result = _at(data), data["result"]
    days = rules.elapsed_days(timezone.localtime(req.submitted_at), timezone.localtime(at), req.day_unit)
    return _move(req, user, RequestStatus.COMPLETED, EventKind.COMPLETED, at, result, completed_at=at, result=result,
                 handling_days=days)


def reject(req, user, data):
    """不予受理 (effect), with the reason, before handling starts."""
    at, reason = _at(data), data["reason"]
    return _move(req, user, RequestStatus.REJECTED, EventKind.REJECTED, at, reason, result=reason)


def rate(req, user, data):
    """评价 (effect): by the enterprise that asked, once the request is completed."""
    at, rating, comment = _at(data), data["rating"], data["comment"]
    before = req.status
    req.status, req.rating, req.rating_comment, req.rated_at = RequestStatus.RATED, rating, comment, at
    req.save()
    return events.Step(EventKind.RATED, at, before, RequestStatus.RATED,
                       f"{Rating(rating).label}" + (f"：{req.rating_comment}" if req.rating_comment else ""))


def _take(req, name, user, data):
    """Take the lifecycle step `name` through core.workflow.perform; the request as the step left it."""
    perform(req, name, user, data)
    return ServiceRequest.objects.get(pk=req.pk)


def accept_request(req, user, note="", at=None):
    """受理."""
    return _take(req, "accept", user, {"note": note, "at": at})


def start_processing(req, user, note="", at=None):
    """办理."""
    return _take(req, "process", user, {"note": note, "at": at})


def complete_request(req, user, result, at=None):
    """办结: the result is required."""
    return _take(req, "complete", user, {"result": result, "at": at})


def reject_request(req, user, reason, at=None):
    """不予受理 (with the reason, before handling starts)."""
    return _take(req, "reject", user, {"reason": reason, "at": at})


def rate_request(req, user, rating, comment="", at=None):
    """评价: only a user of the enterprise that asked, once the request is completed."""
    return _take(req, "rate", user, {"rating": rating, "comment": comment, "at": at})


def add_comment(req, user, body, at=None):
    """留言: anyone who may write on the request (the enterprise, its commissioner, officers)."""
    body = (body or "").strip()
    if not body:
        raise error(ServicesErrorCode.COMMENT_EMPTY, field="body")
    with transaction.atomic():
        req = _writable(req, user)
        comment = RequestComment.objects.create(request=req, author=user, body=body[:5000])
        events.commented(req, user, at or timezone.now(), body)
    other = req.enterprise.commissioner if user.role == Role.ENTERPRISE else None
    if other is not None:
        _notify(other, "service_comment", _("企业留言：%(t)s") % {"t": req.title}, body[:500], req.get_absolute_url())
    elif user.role != Role.ENTERPRISE:
        for u in req.enterprise.users.filter(is_active=True, role=Role.ENTERPRISE):
            _notify(u, "service_comment", _("服务专员留言：%(t)s") % {"t": req.title}, body[:500], req.get_absolute_url())
    return comment


def attach_file(req, user, uploaded):
    """上传附件 (type and size checked by services.uploads)."""
    from .uploads import store
    with transaction.atomic():
        req = _writable(req, user)
        attachment = store(req, uploaded, user)
        events.attached(req, user, timezone.now(), attachment.filename)
    return attachment


def assign_commissioner(enterprise, commissioner, user, reason="", at=None):
    """一企一专员: make `commissioner` (None to unassign) the enterprise's commissioner, closing the
    previous assignment period and opening a new one."""
    from ipdesk.registry.models import Enterprise
    if not user.has_role(Role.CITY_OFFICER, Role.DISTRICT_OFFICER):
        raise PermissionDenied(_("只有管理部门工作人员可以分配服务专员。"))
    if commissioner is not None and (commissioner.role != Role.COMMISSIONER or not commissioner.is_active):
        raise ValidationError({"commissioner": _("“%(u)s”不是在岗的服务专员。") % {"u": commissioner}})
    at = at or timezone.now()
    with transaction.atomic():
        ent = Enterprise.objects.restrict(user, CHANGE).select_for_update().filter(pk=enterprise.pk).first()
        if ent is None:
            raise PermissionDenied(_("该企业不在您的管辖范围内。"))
        previous = ent.commissioner
        if (previous.pk if previous else None) == (commissioner.pk if commissioner else None):
            raise ValidationError({"commissioner": _("“%(u)s”已是该企业的服务专员。") % {"u": commissioner or _("无")}})
        for open_row in CommissionerAssignment.objects.filter(enterprise=ent, ended_at__isnull=True):
            open_row.ended_at = at
            open_row.save()  # one by one, so each closing is audited
        row = CommissionerAssignment.objects.create(enterprise=ent, commissioner=commissioner, previous=previous,
                                                    started_at=at, assigned_by=user, reason=reason.strip()[:300])
        ent.commissioner = commissioner
        ent.save()
    if commissioner is not None:
        from django.urls import reverse
        _notify(commissioner, "commissioner_assigned", _("您已被指定为“%(e)s”的服务专员") % {"e": ent},
                reason, reverse("services:workbench"))
    return row
