"""Import spec of the province's abnormal-application files (非正常专利申请清单), through the one
pipeline (ipdesk.core.imports): `ipdesk import abnormal_applications FILE`, the import page, the API.

A file is one batch: its name comes from the 批次 column, or else from the file name; the batch is
created on first import. Each row is assigned to its region like every other import (registry.placement, the
one placement: the matched enterprise when placed by a strong signal, else the address; else the batch's default
region: the city; a row of another city is counted as outside, not written) and matched to its agency. New rows
start `notified` (or `pending` without a notice date) with their first timeline events; re-importing the same
file changes nothing, and never resets a status already moved on.
"""
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ipdesk.core.imports import Field, ImportSpec, RowError, choice_parser, parse_date, register, text
from ipdesk.registry.imports import load_lookups, locate, match_enterprise, parse_application_no, split_applicants
from ipdesk.registry.rules import normalize_name

from .choices import OLD_BEHAVIOUR_LABELS, ApplicationStatus, Behaviour, EventKind
from .models import AbnormalApplication, AbnormalBatch, Agency, ApplicationEvent

# CNIPA's notices name the behaviour by its full text, a short name, or the item number of 第三条.
BEHAVIOURS = {**{b.value: b.value for b in Behaviour}, **{str(b.label): b.value for b in Behaviour},
              **{label: b.value for label, b in OLD_BEHAVIOUR_LABELS.items()}}
BEHAVIOURS.update({
    "重复申请": "duplicate", "拼凑申请": "duplicate", "内容明显相同": "duplicate", "简单组合变化": "duplicate",
    "编造": "fabricated", "伪造": "fabricated", "抄袭": "fabricated", "编造伪造变造抄袭": "fabricated",
    "超出研发能力": "beyond_capacity", "与研发能力不符": "beyond_capacity",
    "随机生成": "machine_generated", "计算机生成": "machine_generated",
    "变劣": "degraded", "堆砌": "degraded", "分散申请": "scattered", "关联分散申请": "scattered",
    "倒买倒卖": "trading", "虚假变更发明人": "trading", "代理诱导": "agency_induced", "代理机构诱导": "agency_induced",
    "其他": "other",
    **{str(i): v for i, v in enumerate(["duplicate", "fabricated", "beyond_capacity", "machine_generated", "degraded",
                                        "scattered", "trading", "agency_induced", "other"], start=1)},
})


@register
class AbnormalApplicationImport(ImportSpec):
    name = "abnormal_applications"
    label = "非正常专利申请"
    model = AbnormalApplication
    key = ("batch_id", "application_no")
    create_only = ("status", "closed_on")
    fields = [
        Field("application_no", ("申请号", "专利申请号", "application_no"), parse_application_no, required=True),
        Field("title", ("名称", "专利名称", "发明名称", "标题", "title")),
        Field("applicant", ("申请人", "申请(专利权)人", "第一申请人", "applicants", "applicant"), required=True),
        Field("address", ("申请人地址", "地址", "address")),
        Field("agency_name", ("代理机构", "专利代理机构", "agency")),
        Field("behaviour", ("行为类型", "非正常申请类型", "类型", "behaviour"),
              choice_parser(BEHAVIOURS, "行为类型"), required=True),
        Field("notice_date", ("通知日期", "发文日", "通知书发文日", "notice_date"), parse_date),
        Field("deadline", ("答复期限", "期限", "截止日期", "deadline"), parse_date),
        Field("batch", ("批次", "batch")),
    ]
    # Kept as stored when the file has no such column (core.imports.specs.ImportSpec.kept_when_absent): a re-import
    # of a list without 名称, 代理机构, 发文日, 答复期限 or 申请人地址 does not empty them (an officer may have entered
    # or corrected them); the matched agency goes with its name (kept_attnames). A list without the 申请人地址 column
    # keeps the stored region and its basis for a row its other cells (the applicant's enterprise) do not place: the
    # batch's default region is a stand-in for a new row, or over a stored stand-in (a corrected default), not a
    # placement over the address's or a detection lead's ("record") (ImportSpec.placement).
    kept_when_absent = ("title", "agency_name", "notice_date", "deadline", "address")
    placed_from, placement = "address", ("region_id", "region_basis")
    placement_basis = ("applicant",)   # the applicant's name, not our match of it (registry.imports, patents)
    unplaced_basis = ("default",)
    date_pairs = (("notice_date", "通知日期", "deadline", "答复期限"),)

    def kept_attnames(self, absent):
        """Also `agency_id`, matched from the 代理机构 name alone, when the file has no such column."""
        kept = set(super().kept_attnames(absent))
        if "agency_name" in absent:
            kept.add("agency_id")
        return frozenset(kept)

    def begin(self, ctx):
        cache = load_lookups(ctx)
        cache["agencies"] = dict(Agency.objects.values_list("normalized_name", "pk"))
        cache["batches"] = {}
        city = AbnormalBatch._meta.get_field("default_region").related_model.objects.filter(
            code=settings.IPDESK_CITY_CODE).first()
        cache["city_region_id"] = city.pk if city else None

    def _batch(self, name, ctx):
        name = (name or Path(ctx.filename or "导入").stem)[:200]
        batches = ctx.cache["batches"]
        if name not in batches:
            batch = AbnormalBatch.objects.filter(name=name).order_by("id").first()
            if batch is None:
                batch = AbnormalBatch.objects.create(name=name, source="province", received=timezone.localdate(),
                                                     default_region_id=ctx.cache["city_region_id"],
                                                     note=f"由文件 {ctx.filename} 导入")
            batches[name] = (batch.pk, batch.default_region_id)
        return batches[name]

    def clean(self, values, ctx):
        cache = ctx.cache
        if values.get("notice_date") and values.get("deadline") and values["deadline"] < values["notice_date"]:
            raise RowError("答复期限", "答复期限不能早于通知日期")
        batch_id, default_region_id = self._batch(values.get("batch"), ctx)
        names = split_applicants(values["applicant"])  # lines, JSON arrays, ; ；、 (registry.imports)
        enterprise_id, enterprise_region = match_enterprise(ctx, name=names[0] if names else "")
        # registry.placement: the enterprise (strong signal) else the address; another city's row → RowOutside
        region_id, signal = locate(ctx, {"address": values.get("address")}, enterprise_id, enterprise_region)
        basis = "enterprise" if signal == "enterprise" else "address"
        if region_id is None:
            region_id, basis = default_region_id, "default"
        if region_id is None:
            raise RowError("申请人地址", f"无法确定所属区划：申请人未匹配企业，地址“{values.get('address') or '空'}”未能解析，批次也未设默认区划")
        agency_name = values.get("agency_name") or ""
        return {
            "batch_id": batch_id, "application_no": values["application_no"], "title": values.get("title") or "",
            "applicant": values["applicant"], "address": values.get("address") or "", "agency_name": agency_name,
            "agency_id": cache["agencies"].get(normalize_name(agency_name)) if agency_name else None,
            "enterprise_id": enterprise_id, "region_id": region_id, "region_basis": basis,
            "behaviour": values["behaviour"], "notice_date": values.get("notice_date"), "deadline": values.get("deadline"),
            "status": ApplicationStatus.NOTIFIED if values.get("notice_date") else ApplicationStatus.PENDING,
        }

    def after_write(self, written, ctx):
        """The first timeline events of the applications this batch created."""
        if ctx.dry_run:
            return
        created = [r for r in written if "pk" not in r]
        if not created:
            return
        by_key = {}
        for batch_id in {r["batch_id"] for r in created}:
            nos = [r["application_no"] for r in created if r["batch_id"] == batch_id]
            for pk, no in AbnormalApplication.objects.filter(batch_id=batch_id, application_no__in=nos) \
                    .values_list("pk", "application_no"):
                by_key[(batch_id, no)] = pk
        today = timezone.localdate()
        events = []
        for r in created:
            pk = by_key[(r["batch_id"], r["application_no"])]
            events.append(ApplicationEvent(application_id=pk, kind=EventKind.REGISTERED, date=today,
                                           note=f"导入：{ctx.filename}", user=ctx.user if getattr(ctx.user, "pk", None) else None))
            if r.get("notice_date"):
                events.append(ApplicationEvent(application_id=pk, kind=EventKind.NOTIFIED, date=r["notice_date"],
                                               note=f"答复期限 {r['deadline']}" if r.get("deadline") else ""))
        ApplicationEvent.objects.bulk_create(events, batch_size=1000)
