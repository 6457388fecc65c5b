"""What every app shares: the audited base model, the audit log, jobs, notifications, attachments."""
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import RestrictedManager, RestrictedQuerySet, Role, Scope


_CHOICE_LABELS = {}   # (field, language) → {value: label}: AuditedModel._get_FIELD_display


class AuditedModel(models.Model):
    """Base of every domain record: timestamps, an optimistic-lock version, change logging, scoping.

    Saves and deletes through the ORM write an AuditEntry (before/after as JSON) via core.signals.
    `version` grows on every save; an edit form carries the version it was read at, and a save
    from a stale form is refused (see core.views.ObjectEditView) so nobody silently overwrites.
    """
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictedManager()
    scope = Scope()
    audit_exclude = ("created_at", "updated_at")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = set(kwargs["update_fields"]) | {"version", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from .reversing import reverse_pk   # once per row of every list: core.reversing
        return reverse_pk(f"{self._meta.app_label}:{self._meta.model_name}_detail", self.pk)

    def _get_FIELD_display(self, field):
        """get_FOO_display(), as Django's (Model._get_FIELD_display), from a {value: label} map made once per field
        and language instead of once per call: Django rebuilds the map, hashing and translating every label of
        the field's choices, for each cell of a list (two columns of choices, 100 maps a 50-row page). Choices
        given as a callable are read each time, as Django reads them."""
        from django.utils.encoding import force_str
        from django.utils.hashable import make_hashable
        from django.utils.translation import get_language
        value = getattr(self, field.attname)
        if not isinstance(field.choices, (list, tuple)):   # callable choices: Django's CallableChoiceIterator
            return super()._get_FIELD_display(field)
        key = (field, get_language())
        labels = _CHOICE_LABELS.get(key)
        if labels is None:
            labels = {make_hashable(k): force_str(v, strings_only=True) for k, v in field.flatchoices}
            if len(_CHOICE_LABELS) < 4096:
                _CHOICE_LABELS[key] = labels
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class VoidableQuerySet(RestrictedQuerySet):
    def voided(self):
        return self.filter(voided_at__isnull=False)

    def valid(self):
        return self.filter(voided_at__isnull=True)


class VoidableManager(models.Manager.from_queryset(VoidableQuerySet)):
    """The records in force: a voided record (作废) drops out of every list, count, figure and API answer."""

    def get_queryset(self):
        return super().get_queryset().filter(voided_at__isnull=True)


AllRecordsManager = models.Manager.from_queryset(VoidableQuerySet)


class VoidableModel(AuditedModel):
    """A record an officer enters by hand and may void (作废) with a reason: soft, audited, reversible.

    Nothing is deleted (a record that was entered was seen, counted and perhaps printed; 政务信息 must stay
    traceable): voiding stamps who, when and why, and the default manager `objects` leaves voided records out,
    so lists, counts, statistics and the API stop seeing them without each query saying so. `all_objects`
    still reaches them (the detail page, the "已作废" filter of a list, restore). core.voiding does the work
    and writes one audit entry (AuditAction.VOID / RESTORE). Which roles may void: `void_roles` (officers),
    within the rows they may change (`restrict(user, CHANGE)`); `void_refusal()` names a state that forbids it.
    """
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False, db_index=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                  on_delete=models.SET_NULL, related_name="+", verbose_name=_("作废人"))
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True, editable=False)

    objects = VoidableManager()
    all_objects = AllRecordsManager()
    void_roles = frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER})

    class Meta:
        abstract = True

    def void_refusal(self):
        """Why this record may not be voided in its present state (a message), or None. Models override."""
        return None

    def voided_or_restored(self):
        """Called by core.voiding inside the void's (or restore's) transaction, after the row changed: a model
        whose records feed a computation over their siblings (an insurance subsidy under a yearly cap)
        recomputes it here. Models override."""


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    ACTION = "action", _("业务操作")
    VOID = "void", _("作废")
    RESTORE = "restore", _("撤销作废")


def canonical_json(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


class AuditEntryQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One audited event (操作日志). Append-only: no role can edit or delete it.

    Each entry stores the hash of the previous one, so a row changed or removed directly in the
    database breaks the chain; `ipdesk audit verify` walks it. Database triggers (migration 0002)
    also refuse UPDATE and DELETE on both SQLite and PostgreSQL. The hash is an HMAC under a key kept
    outside the database (core.audit.audit_key), so database access alone cannot recompute the chain;
    `hash_scheme` says how an entry was hashed (entries written before the key existed: plain SHA-256).
    """
    timestamp = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user_id_value = models.BigIntegerField(_("用户ID"), null=True, blank=True, db_column="user_id")
    username = models.CharField(_("用户"), max_length=150, blank=True)
    request_id = models.CharField(_("请求号"), max_length=64, blank=True)
    ip = models.CharField(_("IP"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    hash_scheme = models.CharField(max_length=16, default="sha256", editable=False)  # core.audit.SCHEMES
    key_id = models.CharField(max_length=16, blank=True, default="", editable=False)  # which audit key

    objects = AuditEntryQuerySet.as_manager()
    scope = Scope(change_roles=frozenset())  # read by city officers and leaders (views narrow to officers)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def payload(self):
        return {
            "timestamp": self.timestamp.isoformat(), "user_id": self.user_id_value,
            "username": self.username, "request_id": self.request_id, "ip": self.ip,
            "action": self.action, "object_type": self.object_type, "object_id": self.object_id,
            "object_repr": self.object_repr, "before": self.before, "after": self.after,
        }

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"


class AuditChainHead(models.Model):
    """A single row locked while an entry is appended, so the chain stays linear under concurrency."""
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = _("审计链头")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("执行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A background job as officers see it: kind, progress, outcome (后台任务)."""
    kind = models.CharField(_("任务类型"), max_length=50, db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveBigIntegerField(_("进度"), default=0)
    total = models.PositiveBigIntegerField(_("总量"), default=0)
    message = models.TextField(_("说明"), blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = Scope(owner="created_by", change_roles=frozenset())

    class Meta:
        ordering = ["-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self):
        return self.title

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

    def report(self, done, total=None, message=None):
        """Record progress (core.jobs: handlers call `job.report(done, total)`); cheap enough to call every few
        thousand rows: one UPDATE of these columns, never a save() of the whole row."""
        fields = {"progress": done}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = message
        Job.objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)


class Notification(models.Model):
    """A message to one user: reminders, overdue warnings (消息提醒)."""
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("接收人"))
    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True, db_index=True,
                                  help_text="one reminder per key and recipient, so periodic jobs do not repeat")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = Scope(owner="recipient", personal=True, change_roles=frozenset(Role))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                               name="notification_once_per_key")]

    def __str__(self):
        return self.title


def attachment_path(instance, filename):
    return f"attachments/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file attached to any record; type checked by content (core.uploads), stored under its hash."""
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    filename = models.CharField(_("文件名"), max_length=255)
    mime_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.filename


class DocumentNumber(models.Model):
    """The counter of one 发文字号 sequence: 机关代字 (prefix) + 〔year〕 + 顺序号 + 号, numbered per year and
    document type (GB/T 9704-2012 7.2.5: 年份标全称, 用六角括号括入; 顺序号不加"第"字、不编虚位).
    `last` is the number last issued; core.gongwen.issue_number takes the next one under a row lock,
    and `version` counts the increments, so two concurrent issues can never hand out the same number."""
    prefix = models.CharField(_("机关代字"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    doc_type = models.CharField(_("文书类型"), max_length=40)
    last = models.PositiveIntegerField(_("已用至"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)

    class Meta:
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        constraints = [models.UniqueConstraint(fields=["prefix", "year", "doc_type"], name="document_number_once")]

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕{self.last}号"


class IssuedDocumentNumber(models.Model):
    """The register of issued numbers (发文登记): one row per document that received a number, so the same
    document (a case's 立案通知书, downloaded again) keeps its number instead of taking a new one."""
    sequence = models.ForeignKey(DocumentNumber, on_delete=models.PROTECT, related_name="issued")
    number = models.PositiveIntegerField(_("顺序号"))
    key = models.CharField(_("文书"), max_length=120, unique=True)
    text = models.CharField(_("发文字号"), max_length=60)
    issued_at = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("发文登记")
        verbose_name_plural = _("发文登记")
        constraints = [models.UniqueConstraint(fields=["sequence", "number"], name="issued_number_once")]

    def __str__(self):
        return self.text


class LegalBasis(AuditedModel):
    """The legal basis (依据) of one rule the system applies: source, article, version, and whether an officer has
    checked it against the text in force. The rows come from the code's declarations (core.basis, each app's
    basis.py) and are synced on migrate; a row a city officer edited (`edited_by_office`) keeps the officer's words.
    """
    from .basis import Kind as _Kind

    key = models.CharField(_("规则编码"), max_length=80, unique=True)
    module = models.CharField(_("模块"), max_length=30, db_index=True)
    title = models.CharField(_("规则"), max_length=200)
    kind = models.CharField(_("依据类型"), max_length=10, choices=_Kind.choices, default=_Kind.LAW)
    source = models.CharField(_("依据名称"), max_length=300, help_text=_("法规、标准或数据的名称，如《专利法实施细则》"))
    document = models.CharField(_("发布机关及文号"), max_length=200, blank=True,
                                help_text=_("如 国家知识产权局令第77号、国家知识产权局公告第461号"))
    article = models.CharField(_("条款"), max_length=200, blank=True, help_text=_("未核对的写“待核对”"))
    edition = models.CharField(_("版本/施行日期"), max_length=100, blank=True, help_text=_("如 2023年修订，2024-01-20施行"))
    excerpt = models.TextField(_("条文摘要"), blank=True, help_text=_("原文或摘要；摘要须在说明中注明"))
    verified = models.BooleanField(_("已核对"), default=False, help_text=_("由市局工作人员对照现行有效文本核对后勾选"))
    verified_by = models.CharField(_("核对人"), max_length=100, blank=True)
    verified_on = models.DateField(_("核对日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    edited_by_office = models.BooleanField(_("已由本单位修改"), default=False, editable=False,
                                           help_text=_("修改后不再随系统默认依据更新"))
    del _Kind

    scope = Scope(public=True, change_roles=frozenset({Role.CITY_OFFICER}))

    class Meta:
        ordering = ["module", "key"]
        verbose_name = _("依据")
        verbose_name_plural = _("依据")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("core:basis_detail", args=[self.key])

    @property
    def is_legal_source(self):
        from .basis import Kind
        return self.kind in (Kind.LAW, Kind.STANDARD, Kind.DATA)
