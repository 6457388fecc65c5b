"""Pages of the registry: lists with export and import, the enterprise page, search, owners to resolve."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop as N_
from django.views import View

from ipdesk.core.exports import Column, mask_id_number, mask_phone
from ipdesk.core.scoping import CHANGE, VIEW, OFFICERS, can
from ipdesk.core.views import ObjectDetailView, ObjectListView, scoped_object_or_404

from . import actions, fees
from .choices import LegalStatus, PatentType, TrademarkStatus
from .filters import (ContactFilter, EnterpriseFilter, GIProductFilter, PatentEventFilter, PatentFilter,
                      PctApplicationFilter, TrademarkFilter, first_matches, search_enterprises, search_patents)
from .forms import PatentEventForm, ResolveOwnerForm
from .models import Contact, Enterprise, GIProduct, Patent, PatentEvent, PctApplication, Trademark
from .tables import (ContactTable, EnterpriseTable, GIProductTable, PatentEventTable, PatentTable, PctApplicationTable,
                     TrademarkTable)


def reveals_personal_data(user):
    """Officers handle contacts' phone and ID numbers; every other role sees them masked."""
    return bool(user and (user.is_superuser or getattr(user, "role", None) in OFFICERS))


# ---- Export columns: the import headers, so an exported file imports back unchanged ---------------
def _display(method):
    """A choice's label as plain text (a lazy translation would be re-evaluated on every cell access)."""
    return lambda obj: str(getattr(obj, method)())


ENTERPRISE_COLUMNS = [
    Column("统一社会信用代码", "uscc"), Column("企业名称", "name"), Column("行政区划代码", "region.code"),
    Column("地址", "address"), Column("产业链", lambda e: e.industry_chain.code if e.industry_chain else ""),
    Column("标签", lambda e: "；".join(e.tag_labels())), Column("重点企业库", "is_key_enterprise"),
    Column("高价值专利培育库梯次", lambda e: _latest_cultivation(e, "label")),
    Column("培育库年度", lambda e: _latest_cultivation(e, "year")),
    Column("法定代表人", "legal_representative"), Column("成立日期", "established"),
    Column("员工人数", "employees"), Column("研发人员", "rd_staff"),
]


def _latest_cultivation(enterprise, what):
    memberships = sorted(enterprise.cultivation.all(), key=lambda m: -m.year)
    if not memberships:
        return ""
    return memberships[0].get_tier_display() if what == "label" else memberships[0].year


PATENT_COLUMNS = [
    Column("申请号", "application_no"), Column("专利类型", _display("get_patent_type_display")), Column("名称", "title"),
    Column("申请人", "applicants"), Column("当前权利人", "current_owner"),
    Column("统一社会信用代码", lambda p: p.holder.uscc if p.holder_id else ""),
    Column("申请人地址", "address"), Column("行政区划代码", lambda p: p.region.code if p.region_id else ""),
    Column("国省代码", "country_code"), Column("主分类号", "ipc_main"), Column("申请日", "filing_date"),
    Column("公开日", "publication_date"), Column("授权公告日", "grant_date"), Column("失效日", "lapse_date"),
    Column("法律状态", _display("get_legal_status_display")), Column("PCT申请号", "pct_application_no"),
    Column("海外同族", "overseas_family"), Column("战略性新兴产业分类", "strategic_class"),
    Column("代理机构", "agency"), Column("摘要", "abstract"), Column("主权项", "claim1"),
    Column("年费缴至", "fee_paid_until"),
]

PCT_COLUMNS = [
    Column("国际申请号", "international_application_no"), Column("国际申请日", "international_filing_date"),
    Column("发明名称", "title"), Column("申请人", "applicants"),
    Column("统一社会信用代码", lambda a: a.applicant.uscc if a.applicant_id else ""), Column("地址", "address"),
    Column("行政区划代码", lambda a: a.region.code if a.region_id else ""), Column("国省代码", "country_code"),
    Column("国际公布号", "publication_no"), Column("优先权", "priority_data"),
    Column("中国国家阶段申请号", "national_application_no"),
]

TRADEMARK_COLUMNS = [
    Column("注册号", "registration_no"), Column("商标名称", "name"), Column("类别", "nice_class"),
    Column("注册人", "owner_name"), Column("统一社会信用代码", lambda t: t.owner.uscc if t.owner_id else ""),
    Column("注册人地址", "address"), Column("行政区划代码", lambda t: t.region.code if t.region_id else ""),
    Column("申请日", "filing_date"), Column("注册日", "registration_date"), Column("专用权期限至", "expiry_date"),
    Column("状态", _display("get_status_display")), Column("地理标志证明/集体商标", "is_geographic_indication"),
]

EVENT_COLUMNS = [
    Column("申请号", "patent.application_no"), Column("事件类型", _display("get_kind_display")), Column("日期", "date"),
    Column("变更前权利人", "owner_before"), Column("变更后权利人", "owner_after"),
    Column("变更后行政区划代码", lambda e: e.region_after.code if e.region_after_id else ""), Column("说明", "note"),
]

GI_COLUMNS = [
    Column("产品名称", "name"), Column("行政区划代码", "region.code"), Column("保护方式", "protection_type"),
    Column("批准日期", "approved_on"), Column("申请/管理单位", "holder"), Column("说明", "description"),
]

CONTACT_COLUMNS = [
    Column("企业名称", "enterprise.name"), Column("统一社会信用代码", "enterprise.uscc"), Column("姓名", "name"),
    Column("职务", "title"), Column("电话", "phone", mask=mask_phone, reveal=reveals_personal_data),
    Column("邮箱", "email"), Column("身份证号", "id_number", mask=mask_id_number, reveal=reveals_personal_data),
]


# ---- Lists ------------------------------------------------------------------------------------
class EnterpriseListView(ObjectListView):
    model = Enterprise
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    export_columns = ENTERPRISE_COLUMNS
    create_url = "registry:enterprise_add"
    import_url = "registry:enterprise_import"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "industry_chain", "commissioner") \
            .prefetch_related("cultivation")


class PatentListView(ObjectListView):
    model = Patent
    table_class = PatentTable
    filterset_class = PatentFilter
    export_columns = PATENT_COLUMNS
    create_url = "registry:patent_add"
    import_url = "registry:patent_import"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "holder")


class PctApplicationListView(ObjectListView):
    """PCT国际申请: the records the PCT indicator counts (stats.indicators.pct_applications)."""
    model = PctApplication
    table_class = PctApplicationTable
    filterset_class = PctApplicationFilter
    export_columns = PCT_COLUMNS
    create_url = "registry:pctapplication_add"
    import_url = "registry:pctapplication_import"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "applicant")


class PctApplicationDetailView(ObjectDetailView):
    model = PctApplication
    template_name = "registry/pctapplication_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        national = self.object.national_patent
        # the national-phase patent is linked only when the user may see it
        ctx["national_patent"] = national if national and Patent.objects.restrict(self.request.user) \
            .filter(pk=national.pk).exists() else None
        return ctx


class PatentEventListView(ObjectListView):
    model = PatentEvent
    table_class = PatentEventTable
    filterset_class = PatentEventFilter
    export_columns = EVENT_COLUMNS
    import_url = "registry:patentevent_import"

    def get_queryset(self):
        return super().get_queryset().select_related("patent", "region_after")


class TrademarkListView(ObjectListView):
    model = Trademark
    table_class = TrademarkTable
    filterset_class = TrademarkFilter
    export_columns = TRADEMARK_COLUMNS
    create_url = "registry:trademark_add"
    import_url = "registry:trademark_import"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "owner")


class GIProductListView(ObjectListView):
    model = GIProduct
    table_class = GIProductTable
    filterset_class = GIProductFilter
    export_columns = GI_COLUMNS
    create_url = "registry:giproduct_add"
    import_url = "registry:giproduct_import"

    def get_queryset(self):
        return super().get_queryset().select_related("region")


class ContactListView(ObjectListView):
    model = Contact
    table_class = ContactTable
    filterset_class = ContactFilter
    export_columns = CONTACT_COLUMNS
    create_url = "registry:contact_add"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")

    def get_table_kwargs(self):
        return {"reveal": reveals_personal_data(self.request.user)}


class ContactDetailView(ObjectDetailView):
    model = Contact

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if reveals_personal_data(self.request.user):  # officers see the numbers in full
            ctx["fields"] = [(f.verbose_name, getattr(self.object, f.attname)) for f in Contact._meta.concrete_fields
                             if f.name not in ("id", "version", "created_at", "updated_at")]
        return ctx


# ---- The enterprise page -----------------------------------------------------------------------
class EnterpriseDetailView(ObjectDetailView):
    """An enterprise with its IP assets counted by type and status, its commissioner, the records of
    other modules that refer to it (service requests, cases, pledges, policies …, as installed), and
    the annual-fee due dates of its valid patents."""
    model = Enterprise
    template_name = "registry/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, enterprise = self.request.user, self.object
        tags_label = Enterprise._meta.get_field("tags").verbose_name
        ctx["fields"] = [(label, "、".join(enterprise.tag_labels()) or None) if label == tags_label else (label, value)
                         for label, value in ctx["fields"]]
        patents = Patent.objects.restrict(user).filter(holder=enterprise)
        counts = {(r["patent_type"], r["legal_status"]): r["n"]
                  for r in patents.values("patent_type", "legal_status").annotate(n=Count("id"))}
        statuses = [s for s in LegalStatus if any(k[1] == s.value for k in counts)]
        ctx["patent_matrix"] = {
            "statuses": statuses,
            "rows": [(t.label, [counts.get((t.value, s.value), 0) for s in statuses],
                      sum(v for k, v in counts.items() if k[0] == t.value)) for t in PatentType],
            "total": sum(counts.values()),
        }
        tm = {r["status"]: r["n"] for r in Trademark.objects.restrict(user).filter(owner=enterprise)
              .values("status").annotate(n=Count("id"))}
        ctx["trademark_counts"] = [(s.label, tm.get(s.value, 0)) for s in TrademarkStatus]
        ctx["trademark_total"] = sum(tm.values())
        ctx["recent_patents"] = patents.order_by("-filing_date")[:10]
        ctx["former_names"] = enterprise.former_names.all()
        ctx["cultivation"] = enterprise.cultivation.all()
        ctx["contacts"] = [(c, c.phone if reveals_personal_data(user) else mask_phone(c.phone) if c.phone else "")
                           for c in Contact.objects.restrict(user).filter(enterprise=enterprise)]
        ctx["fee_schedule"] = fees.fee_schedule(patents, timezone.localdate())[:50]
        ctx["related"] = related_records(enterprise, user)
        ctx["patent_list_url"] = reverse("registry:patent_list") + f"?holder={enterprise.pk}"
        ctx["trademark_list_url"] = reverse("registry:trademark_list") + f"?owner={enterprise.pk}"
        return ctx


# Reverse relations shown on the enterprise page, by related_name; modules that are not there are skipped.
RELATED_LABELS = {
    "service_requests": N_("服务请求"), "problems": N_("专精特新企业问题"), "assistance_cases": N_("维权援助案件"),
    "pledges": N_("专利质押"), "interest_subsidies": N_("质押贴息"), "insurance_policies": N_("专利保险"),
    "pct_applications": N_("PCT国际申请"),
}
# The registry's own relations the page shows in sections of its own (patents, trademarks, contacts …).
SHOWN_ON_PAGE = {"registry.EnterpriseNameHistory", "registry.CultivationMembership", "registry.Contact",
                 "registry.Patent", "registry.Trademark"}


def related_records(enterprise, user, limit=5):
    """(label, count, [records], list url or None) for every other module's model pointing at the enterprise."""
    out = []
    for rel in Enterprise._meta.related_objects:
        model = rel.related_model
        if model._meta.app_label == "accounts" or model._meta.label in SHOWN_ON_PAGE or \
                not hasattr(model.objects, "restrict"):
            continue
        if not can(user, model, VIEW):
            continue
        try:
            qs = model.objects.restrict(user).filter(**{rel.field.name: enterprise})
            count = qs.count()
        except Exception:  # noqa: BLE001 - a module mid-migration must not break the enterprise page
            continue
        if not count:
            continue
        label = _(RELATED_LABELS.get(rel.get_accessor_name(), "")) or model._meta.verbose_name_plural
        items = []
        for obj in qs.order_by("-pk")[:limit]:
            try:
                url = obj.get_absolute_url()
            except (NoReverseMatch, AttributeError):
                url = None
            items.append((obj, url))
        out.append((label, count, items, _filtered_list(model, rel.field.name, enterprise.pk)))
    return out


def _filtered_list(model, field, pk):
    """The model's list filtered to the enterprise (…/?<field>=<pk>) when the list has a filter of that name;
    None otherwise (a link to the unfiltered list would show other enterprises' records)."""
    try:
        url = reverse(f"{model._meta.app_label}:{model._meta.model_name}_list")
    except NoReverseMatch:
        return None
    filterset = getattr(getattr(resolve(url).func, "view_class", None), "filterset_class", None)
    if filterset is None or field not in filterset.base_filters:
        return None
    return f"{url}?{field}={pk}"


class PatentDetailView(ObjectDetailView):
    model = Patent
    template_name = "registry/patent_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = self.object.events.select_related("region_before", "region_after")
        ctx["event_form"] = PatentEventForm()
        ctx["fee"] = fees.next_fee(self.object, timezone.localdate())
        return ctx


class PatentEventCreateView(LoginRequiredMixin, View):
    """An officer records a legal-status event on a patent (actions.record_event)."""

    def post(self, request, pk):
        patent = scoped_object_or_404(Patent, request.user, pk, CHANGE)
        form = PatentEventForm(request.POST)
        if form.is_valid():
            try:
                actions.record_event(patent, form.cleaned_data["kind"], form.cleaned_data["date"], request.user,
                                     owner_after=form.cleaned_data["owner_after"], note=form.cleaned_data["note"])
                messages.success(request, _("已记录法律状态事件。"))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        else:
            messages.error(request, "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items()))
        return redirect(patent.get_absolute_url())


# ---- Search ------------------------------------------------------------------------------------
class SearchView(LoginRequiredMixin, View):
    """One box across enterprises and patents: name, number, applicant or keyword (Chinese substrings too)."""

    def get(self, request):
        q = request.GET.get("q", "").strip()
        enterprises = patents = None
        if q:
            enterprises = search_enterprises(Enterprise.objects.restrict(request.user), q).select_related("region")
            patents = search_patents(Patent.objects.restrict(request.user), q).select_related("region")
            enterprises = first_matches(enterprises.order_by("name"), 20)
            patents = first_matches(patents.order_by("-filing_date", "application_no"), 50)
        return render(request, "registry/search.html", {"q": q, "enterprises": enterprises, "patents": patents})


# ---- Owners that match no enterprise -------------------------------------------------------------
class UnmatchedOwnersView(LoginRequiredMixin, View):
    """Domestic patents whose first holder matches no enterprise, by name, for an officer to resolve."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, Patent, CHANGE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, form=None):
        owners = actions.unmatched_owners(Patent.objects.restrict(request.user, CHANGE))[:200]
        return render(request, "registry/unmatched_owners.html", {
            "owners": owners, "form": form or ResolveOwnerForm(),
            "enterprises": Enterprise.objects.restrict(request.user).order_by("name")[:2000]})

    def post(self, request):
        form = ResolveOwnerForm(request.POST)
        form.fields["enterprise"].queryset = Enterprise.objects.restrict(request.user)
        if not form.is_valid():
            return self.get(request, form)
        linked = actions.resolve_owner(form.cleaned_data["holder_name"], form.cleaned_data["enterprise"],
                                       request.user, Patent.objects.restrict(request.user, CHANGE))
        messages.success(request, _("已将 %(n)d 件专利匹配到 %(e)s。") % {"n": linked, "e": form.cleaned_data["enterprise"]})
        return redirect("registry:unmatched_owners")


class PatentEventDetailView(ObjectDetailView):
    """A legal-status event is a typed fact: it is recorded, never edited."""
    model = PatentEvent

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = False
        return ctx
