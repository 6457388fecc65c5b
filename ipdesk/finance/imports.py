"""Import specs of financing: pledge registrations and insurance policies (one pipeline: core.imports).

`ipdesk import pledges FILE` and `ipdesk import insurance_policies FILE`, or the upload page. The
headers are those the list exports write, so an exported file imports back unchanged.

Rows are checked in `clean` (enterprise, bank / insurer, every patent — each pledged patent must be
a valid patent of the pledgor on the registration date) so a bad row is reported with its line and
reason; `write` then goes through finance.actions, which write the legal-status events of pledges
and compute the premium subsidies. A registered pledge's pledgor, date and patents are fixed: a
row that changes them is rejected; amount, dates, pledgee and note may change; 状态 = 已解除 with a
解除日 releases an effective pledge.
"""
from django.utils.translation import gettext_lazy as _l
import re

from django.core.exceptions import ValidationError

from ipdesk.core.imports import Field, ImportSpec, RowError, choice_parser, parse_date, parse_decimal, register, text
from ipdesk.regions.models import DictionaryEntry
from ipdesk.registry.matching import enterprise_named, enterprise_with_credit_code
from ipdesk.registry.models import Enterprise, Patent
from ipdesk.registry.rules import InvalidIdentifier, normalize_application_no, normalize_uscc

from . import actions
from .choices import InsuranceType, PledgeStatus
from .models import InsurancePolicy, Pledge

_SPLIT = re.compile(r"[\s,，;；、]+")
NUMBERS_HEADER = "专利申请号"


def parse_numbers(value):
    """Application numbers in one cell (separated by ; ； 、 , or spaces), canonical, in order."""
    numbers = []
    for raw in _SPLIT.split(text(value)):
        if raw:
            try:
                numbers.append(normalize_application_no(raw))
            except InvalidIdentifier as exc:
                raise ValueError(str(exc))
    return list(dict.fromkeys(numbers))


def _dictionary(ctx, name):
    key = f"dictionary:{name}"
    if key not in ctx.cache:
        entries = {}
        for pk, code, label in DictionaryEntry.objects.filter(dictionary=name).values_list("pk", "code", "label"):
            entries[code.lower()] = entries[label] = pk
        ctx.cache[key] = entries
    return ctx.cache[key]


def _entry(ctx, name, value, header, what):
    found = _dictionary(ctx, name).get(value) or _dictionary(ctx, name).get(value.lower())
    if found is None:
        raise RowError(header, f"{what}“{value}”不在数据字典 {name} 中（可填编码或名称，如需新增请先维护数据字典）")
    return found


def _enterprise(values, header_uscc, header_name, what):
    uscc, name = values.get("uscc"), values.get("enterprise_name")
    if uscc:
        try:
            uscc = normalize_uscc(uscc)
        except InvalidIdentifier as exc:
            raise RowError(header_uscc, str(exc))
        found = enterprise_with_credit_code(uscc)
        if found is None:
            raise RowError(header_uscc, f"统一社会信用代码 {uscc} 不在企业库中，请先导入或新增该{what}")
        return found
    if not name:
        raise RowError(header_name, f"须填写{what}名称或统一社会信用代码")
    found = enterprise_named(name)  # its current name or a former one (曾用名)
    if found is None:
        raise RowError(header_name, f"{what}“{name}”不在企业库中，请先导入或新增该企业（或填写统一社会信用代码）")
    return found


def _patents(numbers, header):
    if not numbers:
        raise RowError(header, "至少须填写一个专利申请号")
    found = {p.application_no: p for p in Patent.objects.filter(application_no__in=numbers)}
    missing = [no for no in numbers if no not in found]
    if missing:
        raise RowError(header, f"登记簿中没有这些专利：{'、'.join(missing)}")
    return [found[no] for no in numbers]


def _messages(exc):
    return "；".join(m for msgs in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
                    for m in msgs)


@register
class PledgeImport(ImportSpec):
    name = "pledges"
    label = "专利质押登记"
    model = Pledge
    key = ("registration_no",)
    region_field = "__region_id"   # the pledgor's region, checked against a district officer's scope
    batch_size = 500
    fields = [
        Field("registration_no", ("登记号", "质押登记号", "registration_no"), required=True),
        Field("enterprise_name", ("出质人", "出质人名称", "pledgor")),
        Field("uscc", ("统一社会信用代码", "出质人统一社会信用代码", "uscc")),
        Field("pledgee", ("质权人", "质权人（银行）", "pledgee", "bank"), required=True),
        Field("amount", ("质押金额（万元）", "质押金额", "融资金额（万元）", "amount_10k_yuan"), parse_decimal, required=True),
        Field("registration_date", ("登记日", "质押登记日", "registration_date"), parse_date, required=True),
        Field("start_date", ("债务起始日", "start_date"), parse_date),
        Field("end_date", ("债务到期日", "end_date"), parse_date),
        Field("numbers", (NUMBERS_HEADER, "质押专利", "申请号", "patents"), parse_numbers, required=True,
              help=_l("多个以 ；、, 分隔")),
        Field("status", ("状态", "status"), choice_parser({
            "有效": PledgeStatus.EFFECTIVE, "effective": PledgeStatus.EFFECTIVE, "已解除": PledgeStatus.RELEASED,
            "解除": PledgeStatus.RELEASED, "released": PledgeStatus.RELEASED}, "状态")),
        Field("released_on", ("解除日", "released_on"), parse_date),
        Field("note", ("备注", "note")),
    ]
    # Kept as stored when the file has no such column (core.imports.specs.ImportSpec.kept_when_absent): the debt
    # dates and the note an officer entered are not emptied by a re-import of a list without them. 状态/解除日 need
    # no keeping: an update only ever releases (状态 = 已解除), it never writes them back; a pledge released already
    # may come again as 已解除 without a 解除日 (nothing to release, the stored date stands).
    kept_when_absent = ("start_date", "end_date", "note")

    def begin(self, ctx):
        ctx.cache["pledged_in_file"] = {}

    def clean(self, values, ctx):
        no = values["registration_no"]
        amount = values["amount"]
        if amount is None or amount <= 0:
            raise RowError("质押金额（万元）", "质押金额须大于 0")
        pledgor = _enterprise(values, "统一社会信用代码", "出质人", "出质人")
        pledgee = _entry(ctx, "bank", values["pledgee"], "质权人", "质权人")
        reg = values["registration_date"]
        if values.get("start_date") and values.get("end_date") and values["end_date"] < values["start_date"]:
            raise RowError("债务到期日", "债务到期日不能早于债务起始日")
        released = values.get("status") == PledgeStatus.RELEASED
        existing = Pledge.objects.filter(registration_no=no).first()
        if released and not values.get("released_on") and \
                (existing is None or existing.status != PledgeStatus.RELEASED):   # released already: nothing to do
            raise RowError("解除日", "状态为已解除时须填写解除日")
        if values.get("released_on") and values["released_on"] < reg:
            raise RowError("解除日", "解除日不能早于登记日")
        if existing is not None:   # a kept date is the stored one: the pair is checked as it will be saved
            start = existing.start_date if "start_date" in ctx.kept else values.get("start_date")
            end = existing.end_date if "end_date" in ctx.kept else values.get("end_date")
            if start and end and end < start:   # one date from the file, the other kept (both given: above)
                field, absent, kept = ("债务起始日", "债务到期日", end) if "end_date" in ctx.kept else \
                    ("债务到期日", "债务起始日", start)
                raise RowError(field, f"债务到期日不能早于债务起始日（本文件无{absent}列，沿用已登记的 {kept:%Y-%m-%d}）")
        patents = _patents(values["numbers"], NUMBERS_HEADER)
        if existing is not None:
            stored = set(existing.patents.values_list("application_no", flat=True))
            if (existing.pledgor_id != pledgor.pk or existing.registration_date != reg
                    or stored != set(values["numbers"])):
                raise RowError("登记号", f"登记号 {no} 已登记，出质人、登记日和质押专利登记后不可修改（如有错误请先解除后重新登记）")
        else:
            earlier = ctx.cache["pledged_in_file"]
            twice = [p.application_no for p in patents if p.pk in earlier and earlier[p.pk] != no]
            if twice:
                raise RowError(NUMBERS_HEADER, f"专利 {'、'.join(twice)} 在本文件中已由登记号 {earlier[patents[0].pk]} 质押")
            try:
                actions.check_pledge(pledgor, patents, reg)
            except ValidationError as exc:
                raise RowError(NUMBERS_HEADER, _messages(exc))
            for p in patents:
                earlier[p.pk] = no
        return {"registration_no": no, "pledgor_id": pledgor.pk, "pledgee_id": pledgee, "amount_10k_yuan": amount,
                "registration_date": reg, "start_date": values.get("start_date"), "end_date": values.get("end_date"),
                "note": values.get("note") or "", "__region_id": pledgor.region_id, "__patents": patents,
                "__release": values.get("released_on") if released else None}

    def write(self, records, ctx, outcome):
        user = ctx.user
        for r in records:
            pledge = Pledge.objects.filter(registration_no=r["registration_no"]).first()
            if pledge is None:
                pledge = actions.register_pledge(
                    registration_no=r["registration_no"], pledgor=Enterprise.objects.get(pk=r["pledgor_id"]),
                    pledgee=DictionaryEntry.objects.get(pk=r["pledgee_id"]), patents=r["__patents"],
                    amount_10k_yuan=r["amount_10k_yuan"], registration_date=r["registration_date"],
                    start_date=r["start_date"], end_date=r["end_date"], note=r["note"], user=user)
                if r["__release"]:
                    actions.release_pledge(pledge, r["__release"], user, note="导入")
                outcome.created += 1
                outcome.written.append({"pk": pledge.pk, "registration_no": pledge.registration_no})
                continue
            changed = False
            fixed = self.fixed(ctx)   # kept attnames the file has no column for stay as stored
            for attname in ("pledgee_id", "amount_10k_yuan", "start_date", "end_date", "note"):
                if attname in fixed:
                    continue
                if getattr(pledge, attname) != r[attname]:
                    setattr(pledge, attname, r[attname])
                    changed = True
            if changed:
                pledge.save()
            if r["__release"] and pledge.status == PledgeStatus.EFFECTIVE:
                actions.release_pledge(pledge, r["__release"], user, note="导入")
                changed = True
            if changed:
                outcome.updated += 1
                outcome.written.append({"pk": pledge.pk, "registration_no": pledge.registration_no})
            else:
                outcome.unchanged += 1


_TYPES = {str(label): value for value, label in InsuranceType.choices}
_TYPES.update({value: value for value in InsuranceType.values})
_TYPES.update({"专利执行险": InsuranceType.ENFORCEMENT, "被侵权损失险": InsuranceType.INFRINGEMENT_LOSS,
               "质押融资保证保险": InsuranceType.PLEDGE_GUARANTEE, "海外侵权责任险": InsuranceType.OVERSEAS})


@register
class InsurancePolicyImport(ImportSpec):
    name = "insurance_policies"
    label = "专利保险保单"
    model = InsurancePolicy
    key = ("policy_no",)
    region_field = "__region_id"
    batch_size = 500
    fields = [
        Field("policy_no", ("保单号", "policy_no"), required=True),
        Field("insurer", ("保险机构", "保险公司", "insurer"), required=True),
        Field("enterprise_name", ("投保企业", "被保险人", "insured")),
        Field("uscc", ("统一社会信用代码", "uscc")),
        Field("insurance_type", ("险种", "保险类型", "insurance_type"), choice_parser(_TYPES, "险种"), required=True),
        Field("premium", ("保费（元）", "保费", "premium_yuan"), parse_decimal, required=True),
        Field("cover", ("保险金额（元）", "保险金额", "保额", "cover_yuan"), parse_decimal, required=True),
        Field("start_date", ("保险起期", "起保日期", "start_date"), parse_date, required=True),
        Field("end_date", ("保险止期", "终保日期", "end_date"), parse_date, required=True),
        Field("numbers", (NUMBERS_HEADER, "承保专利", "申请号", "patents"), parse_numbers, help=_l("多个以 ；、, 分隔")),
        Field("note", ("备注", "note")),
    ]
    # Kept as stored when the file has no such column (core.imports.specs.ImportSpec.kept_when_absent): the note;
    # and the covered patents when the file has no 专利申请号 column (kept_attnames), so a policy list without
    # them does not strip a policy of its patents.
    kept_when_absent = ("note",)

    def kept_attnames(self, absent):
        """Also `patents` (the many-to-many the 专利申请号 column sets) when the file has no such column."""
        kept = set(super().kept_attnames(absent))
        if "numbers" in absent:
            kept.add("patents")
        return frozenset(kept)

    def clean(self, values, ctx):
        for name, header in (("premium", "保费（元）"), ("cover", "保险金额（元）")):
            if values[name] is None or values[name] <= 0:
                raise RowError(header, "须大于 0")
        if values["end_date"] < values["start_date"]:
            raise RowError("保险止期", "保险止期不能早于保险起期")
        enterprise = _enterprise(values, "统一社会信用代码", "投保企业", "投保企业")
        insurer = _entry(ctx, "insurer", values["insurer"], "保险机构", "保险机构")
        if "patents" in ctx.kept:   # no 专利申请号 column: a stored policy keeps its patents, checked anew below
            stored = InsurancePolicy.objects.filter(policy_no=values["policy_no"]).first()
            patents = list(stored.patents.all()) if stored is not None else []
        else:
            patents = _patents(values["numbers"], NUMBERS_HEADER) if values.get("numbers") else []
        try:
            actions.check_policy_patents(enterprise.pk, values["start_date"], patents)
        except ValidationError as exc:
            raise RowError(NUMBERS_HEADER, _messages(exc))
        return {"policy_no": values["policy_no"], "insurer_id": insurer, "enterprise_id": enterprise.pk,
                "insurance_type": values["insurance_type"], "premium_yuan": values["premium"],
                "cover_yuan": values["cover"], "start_date": values["start_date"], "end_date": values["end_date"],
                "note": values.get("note") or "", "__region_id": enterprise.region_id, "__patents": patents}

    def write(self, records, ctx, outcome):
        attnames = ("insurer_id", "enterprise_id", "insurance_type", "premium_yuan", "cover_yuan", "start_date",
                    "end_date", "note")
        fixed = self.fixed(ctx)   # kept attnames the file has no column for stay as stored
        attnames = tuple(a for a in attnames if a not in fixed)
        for r in records:
            policy = InsurancePolicy.objects.filter(policy_no=r["policy_no"]).first()
            previous = None
            if policy is None:
                policy = InsurancePolicy(policy_no=r["policy_no"])
                created = True
            else:
                created = False
                previous = (policy.enterprise_id, policy.insurance_type, policy.start_date.year)
                same = all(getattr(policy, a) == r[a] for a in attnames) and \
                    set(policy.patents.values_list("pk", flat=True)) == {p.pk for p in r["__patents"]}
                if same:
                    outcome.unchanged += 1
                    continue
            for a in attnames:
                setattr(policy, a, r[a])
            try:
                policy = actions.save_policy(policy, r["__patents"], user=ctx.user, previous=previous)
            except ValidationError as exc:  # checked in clean(); kept so a race still says why
                raise RowError("保单号", _messages(exc))
            if created:
                outcome.created += 1
            else:
                outcome.updated += 1
            outcome.written.append({"pk": policy.pk, "policy_no": policy.policy_no})
