"""State changes of the commissioner one-stop. Each function checks who may act and whether the
step is allowed, changes the record, writes a typed RequestEvent and tells the people concerned.
An invalid step raises ValidationError saying what is allowed; a role that may not act raises
PermissionDenied. Everything a step writes is saved together or not at all."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipdesk.core.notify import notify, to_office
from ipdesk.core.scoping import CHANGE, Role

from . import rules
from .choices import EventKind, Rating, RequestStatus
from .models import CommissionerAssignment, RequestComment, RequestEvent, ServiceRequest

HANDLER_ROLES = (Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER)
SUBMITTER_ROLES = (Role.ENTERPRISE, Role.COMMISSIONER, Role.CITY_OFFICER, Role.DISTRICT_OFFICER)


def _notify(recipient, kind, title, body="", link="", key=""):
    notify(recipient, title, link, kind, body=body, key=key)


def _notify_enterprise(req, kind, title, body=""):
    for user in req.enterprise.users.filter(is_active=True, role=Role.ENTERPRISE):
        _notify(user, kind, title, body, req.get_absolute_url(), f"svc-{req.pk}-{kind}")


def _event(req, kind, user, at, before="", after="", note=""):
    return RequestEvent.objects.create(request=req, kind=kind, actor=user, at=at, from_status=before,
                                       to_status=after, note=note)


def _writable(req, user):
    """The request as the user may change it (locked for the step), else 404-equivalent refusal."""
    locked = ServiceRequest.objects.restrict(user, CHANGE).select_for_update().filter(pk=req.pk).first()
    if locked is None:
        raise PermissionDenied(_("您无权办理该服务申请。"))
    return locked


def _step(req, user, target, kind, at, note="", **changes):
    if not user.has_role(*HANDLER_ROLES):
        raise PermissionDenied(_("只有服务专员或管理部门工作人员可以办理服务申请。"))
    with transaction.atomic():
        req = _writable(req, user)
        if not rules.can_transition(req.status, target):
            allowed = "、".join(str(RequestStatus(s).label) for s in rules.TRANSITIONS[req.status]) or _("无")
            raise ValidationError(_("当前状态为“%(s)s”，不能执行“%(k)s”；可执行的下一步：%(a)s。")
                                  % {"s": req.get_status_display(), "k": EventKind(kind).label, "a": allowed})
        before = req.status
        req.status = target
        for k, v in changes.items():
            setattr(req, k, v)
        if req.handler_id is None:
            req.handler = user
        req.save()
        _event(req, kind, user, at, before, target, note)
    return req


def submit_request(user, enterprise, service_type, title, description="", at=None):
    """提出: an enterprise user for its own enterprise, or a commissioner/officer on its behalf."""
    from ipdesk.registry.models import Enterprise
    if not user.has_role(*SUBMITTER_ROLES):
        raise PermissionDenied(_("您的角色不能提出服务申请。"))
    if not Enterprise.objects.restrict(user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("只能为本人负责的企业提出服务申请。"))
    if not service_type.is_active:
        raise ValidationError(_("服务事项“%(t)s”已停用，请选择其他事项。") % {"t": service_type})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写诉求标题。")})
    at = at or timezone.now()
    with transaction.atomic():
        req = ServiceRequest.objects.create(
            enterprise=enterprise, service_type=service_type, title=title, description=description.strip(),
            submitted_by=user, submitted_at=at, promised_days=service_type.promised_days,
            former_days=service_type.former_days, day_unit=service_type.day_unit,
            due_date=rules.due_date(timezone.localtime(at).date(), service_type.promised_days, service_type.day_unit))
        _event(req, EventKind.SUBMITTED, user, at, "", RequestStatus.SUBMITTED)
        # the commissioner and the officers of the enterprise's district (core.notify.to_office)
        recipients = [enterprise.commissioner] + to_office(enterprise.region, user)
        notify([u for u in recipients if u is not None and u.pk != user.pk],
               _("新的服务申请：%(e)s · %(t)s") % {"e": enterprise, "t": title}, req.get_absolute_url(),
               "service_request", key=f"svc-{req.pk}-submitted",
               body=_("服务事项：%(s)s，承诺 %(d)s 天内办结（%(due)s 前）。")
               % {"s": service_type, "d": service_type.promised_days, "due": req.due_date})
    return req


def accept_request(req, user, note="", at=None):
    """受理."""
    at = at or timezone.now()
    req = _step(req, user, RequestStatus.ACCEPTED, EventKind.ACCEPTED, at, note, accepted_at=at)
    _notify_enterprise(req, "service_accepted", _("您的服务申请已受理：%(t)s") % {"t": req.title},
                       _("承诺办结日：%(d)s。") % {"d": req.due_date})
    return req


def start_processing(req, user, note="", at=None):
    """办理."""
    at = at or timezone.now()
    return _step(req, user, RequestStatus.PROCESSING, EventKind.PROCESSING, at, note, processing_at=at)


def complete_request(req, user, result, at=None):
    """办结: the result is required; the handling time is measured in the unit of the limit."""
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("办结时请填写办理结果。")})
    at = at or timezone.now()
    days = rules.elapsed_days(timezone.localtime(req.submitted_at), timezone.localtime(at), req.day_unit)
    req = _step(req, user, RequestStatus.COMPLETED, EventKind.COMPLETED, at, result, completed_at=at, result=result,
                handling_days=days)
    _notify_enterprise(req, "service_completed", _("您的服务申请已办结，请评价：%(t)s") % {"t": req.title}, result)
    return req


def reject_request(req, user, reason, at=None):
    """不予受理 (with the reason, before handling starts)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("不予受理时请说明理由。")})
    at = at or timezone.now()
    req = _step(req, user, RequestStatus.REJECTED, EventKind.REJECTED, at, reason, result=reason)
    _notify_enterprise(req, "service_rejected", _("您的服务申请未予受理：%(t)s") % {"t": req.title}, reason)
    return req


def rate_request(req, user, rating, comment="", at=None):
    """评价: only a user of the enterprise that asked, once the request is completed."""
    if not user.has_role(Role.ENTERPRISE) or user.enterprise_id != req.enterprise_id or user.is_superuser:
        raise PermissionDenied(_("只有提出申请的企业可以评价。"))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = None
    if rating not in Rating.values:
        raise ValidationError({"rating": _("满意度须为 1 至 5 之间的整数（5 为非常满意）。")})
    at = at or timezone.now()
    with transaction.atomic():
        req = _writable(req, user)
        if req.status != RequestStatus.COMPLETED:
            raise ValidationError(_("当前状态为“%(s)s”，办结后才能评价。") % {"s": req.get_status_display()})
        before = req.status
        req.status, req.rating, req.rating_comment, req.rated_at = RequestStatus.RATED, rating, comment.strip()[:500], at
        req.save()
        _event(req, EventKind.RATED, user, at, before, RequestStatus.RATED,
               f"{Rating(rating).label}" + (f"：{req.rating_comment}" if req.rating_comment else ""))
    return req


def add_comment(req, user, body, at=None):
    """留言: anyone who may write on the request (the enterprise, its commissioner, officers)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("留言内容不能为空。")})
    with transaction.atomic():
        req = _writable(req, user)
        comment = RequestComment.objects.create(request=req, author=user, body=body[:5000])
        _event(req, EventKind.COMMENTED, user, at or timezone.now(), note=body[:200])
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
        _event(req, EventKind.ATTACHED, user, timezone.now(), note=attachment.filename)
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
