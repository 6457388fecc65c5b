"""Service commissioner one-stop (知识产权服务专员通办): service types with their time limits,
service requests with a typed timeline, comments, the commissioner assignment history and the
专精特新 problem log (SPEC section 2.5)."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipdesk.core.models import AuditedModel, VoidableModel
from ipdesk.core.scoping import Role, Scope

from .choices import ATTACHMENT_KINDS, DayUnit, EventKind, OPEN_STATUSES, ProblemCategory, ProblemStatus, Rating, RequestStatus

# Commissioners and enterprise users write through actions.py, which decides who may take each step.
REQUEST_WRITERS = frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER, Role.ENTERPRISE})
REQUEST_SCOPE = dict(region="request__enterprise__region", enterprise="request__enterprise",
                     commissioner="request__enterprise__commissioner")


class ServiceType(AuditedModel):
    """A kind of service (服务事项) with its promised time limit (承诺时限) and the former limit (原时限)
    it replaces; both are data, set by the city office."""
    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("服务事项"), max_length=100)
    promised_days = models.PositiveIntegerField(_("承诺时限（天）"))
    former_days = models.PositiveIntegerField(_("原时限（天）"))
    day_unit = models.CharField(_("计时方式"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKDAY)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope = Scope(public=True, change_roles=frozenset({Role.CITY_OFFICER}))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError
        if self.promised_days is not None and self.former_days is not None and self.promised_days > self.former_days:
            raise ValidationError({"promised_days": _("承诺时限不应长于原时限（原时限 %(d)s 天）。") % {"d": self.former_days}})


class ServiceRequest(VoidableModel):
    """A request an enterprise puts to its commissioner (服务申请). The limits in force when it was
    submitted are copied onto it, so a later change of the type does not rewrite history."""
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="service_requests",
                                   verbose_name=_("企业"))
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="requests",
                                     verbose_name=_("服务事项"))
    title = models.CharField(_("诉求标题"), max_length=200)
    description = models.TextField(_("诉求内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED,
                              db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("提出人"))
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    processing_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("承办人"))
    promised_days = models.PositiveIntegerField(_("承诺时限（天）"))
    former_days = models.PositiveIntegerField(_("原时限（天）"))
    day_unit = models.CharField(_("计时方式"), max_length=10, choices=DayUnit.choices)
    due_date = models.DateField(_("承诺办结日"), db_index=True)
    handling_days = models.DecimalField(_("办理用时（天）"), max_digits=8, decimal_places=2, null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), choices=Rating.choices, null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)

    attachments = GenericRelation("core.Attachment", object_id_field="object_id", content_type_field="content_type")
    attachment_types = ATTACHMENT_KINDS  # for core.uploads' own upload view

    scope = Scope(region="enterprise__region", enterprise="enterprise", commissioner="enterprise__commissioner",
                  change_roles=REQUEST_WRITERS)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("服务申请")
        verbose_name_plural = _("服务申请")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self):
        """The request number people quote on the phone: FW + year + sequence."""
        return f"FW{timezone.localtime(self.submitted_at):%Y}{self.pk or 0:06d}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None):
        from .rules import is_overdue
        return self.is_open and is_overdue(self.due_date, today or timezone.localdate())

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("services:request_detail", args=[self.pk])


class RequestEvent(AuditedModel):
    """One step of a request's timeline (办理记录): who did what, when, from which status to which."""
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("服务申请"))
    kind = models.CharField(_("环节"), max_length=20, choices=EventKind.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=RequestStatus.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope = Scope(**REQUEST_SCOPE, change_roles=frozenset())

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.request.number} {self.get_kind_display()}"


class RequestComment(AuditedModel):
    """A message on a request between the enterprise and the commissioner (留言)."""
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("服务申请"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("留言人"))
    body = models.TextField(_("内容"))

    scope = Scope(**REQUEST_SCOPE, change_roles=frozenset())

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("留言")
        verbose_name_plural = _("留言")

    def __str__(self):
        return self.body[:50]


class CommissionerAssignment(AuditedModel):
    """One period of an enterprise being served by a commissioner (一企一专员); a reassignment ends
    the open period and starts a new one, so the history is complete."""
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE,
                                   related_name="commissioner_assignments", verbose_name=_("企业"))
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="commissioner_assignments", verbose_name=_("服务专员"))
    previous = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("原服务专员"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)

    scope = Scope(region="enterprise__region", enterprise="enterprise", commissioner="commissioner",
                  change_roles=frozenset())

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("专员分配记录")
        verbose_name_plural = _("专员分配记录")

    def __str__(self):
        return f"{self.enterprise} → {self.commissioner or _('（取消分配）')}"

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("services:assignment_list") + f"?enterprise={self.enterprise_id}"


class ProblemLog(VoidableModel):
    """A problem an enterprise raised and how it was solved (专精特新企业问题台账)."""
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="problems",
                                   verbose_name=_("企业"))
    category = models.CharField(_("问题类别"), max_length=20, choices=ProblemCategory.choices, db_index=True)
    description = models.TextField(_("问题描述"))
    raised_on = models.DateField(_("提出日期"), default=timezone.localdate, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN,
                              db_index=True)
    resolution = models.TextField(_("解决情况"), blank=True)
    solved_on = models.DateField(_("解决日期"), null=True, blank=True, db_index=True)
    request = models.ForeignKey(ServiceRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="problems", verbose_name=_("关联服务申请"))

    scope = Scope(region="enterprise__region", enterprise="enterprise", commissioner="enterprise__commissioner",
                  change_roles=frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER}))

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("专精特新问题台账")
        verbose_name_plural = _("专精特新问题台账")

    def __str__(self):
        return f"{self.enterprise} · {self.get_category_display()}"

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("services:problemlog_detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError
        errors = {}
        if self.status == ProblemStatus.SOLVED:
            if not self.solved_on:
                errors["solved_on"] = _("状态为已解决时，请填写解决日期。")
            if not (self.resolution or "").strip():
                errors["resolution"] = _("状态为已解决时，请填写解决情况。")
        if self.solved_on and self.raised_on and self.solved_on < self.raised_on:
            errors["solved_on"] = _("解决日期不能早于提出日期（%(d)s）。") % {"d": self.raised_on}
        if errors:
            raise ValidationError(errors)
