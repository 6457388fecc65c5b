"""FilterSets of the registry: one serves the list page and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet
from ipdesk.core.forms import AutocompleteSelect
from ipdesk.core.pagination import rows_by_key
from ipdesk.regions.filters import RegionChoiceFilter
from ipdesk.regions.models import IndustryChain

from . import rules
from .choices import CultivationTier, LegalStatus, PatentEventKind, PatentType, TrademarkStatus
from .models import Contact, CultivationMembership, Enterprise, GIProduct, Patent, PatentEvent, PctApplication, \
    Trademark


class EnterpriseChoiceFilter(django_filters.ModelChoiceFilter):
    """An enterprise chosen by name, from those the user may see (core.filters.FilterSet), in a searchable
    select that loads as the user types (core.autocomplete "enterprises"); the value in the URL and the
    API stays the enterprise's id (`?holder=12`), which the list links of an enterprise's page use."""

    def __init__(self, field_name="enterprise", **kwargs):
        kwargs.setdefault("queryset", Enterprise.objects.order_by("name", "pk"))
        kwargs.setdefault("label", _("企业"))
        kwargs.setdefault("widget", AutocompleteSelect("enterprises"))
        super().__init__(field_name=field_name, **kwargs)


SEARCH_COUNT_CAP = 1000


def first_matches(queryset, shown, cap=None):
    """{"count", "more", "items"} of an ordered search, read in one pass: the keys of the first cap+1
    matches in order (count and "more" come from them), then the rows of the first `shown`. Counting
    and listing separately would read the first matches twice. A keyword matching a fifth of a million
    patents is answered "1000+" at once instead of reading every match to count it; the list page
    counts them all."""
    cap = cap or SEARCH_COUNT_CAP
    keys = list(queryset.values_list("pk", flat=True)[:max(cap, shown) + 1])
    return {"count": min(len(keys), cap), "more": len(keys) > cap, "items": rows_by_key(queryset, keys[:shown])}


def search_enterprises(queryset, value):
    """Name, former name or credit code; Chinese substrings match on SQLite and PostgreSQL alike."""
    value = (value or "").strip()
    if not value:
        return queryset
    key = rules.normalize_name(value)
    return queryset.filter(Q(name__icontains=value) | Q(normalized_name__contains=key) |
                           Q(uscc__icontains=value) | Q(former_names__normalized_name__contains=key)).distinct()


def search_patents(queryset, value):
    """Application number (any accepted form), title, applicant, owner, IPC, agency or abstract keyword."""
    value = (value or "").strip()
    if not value:
        return queryset
    # A number is looked up as a number, through the unique index: OR-ed with the text conditions it
    # would read every row (seconds on a million patents).
    try:
        return queryset.filter(application_no=rules.normalize_application_no(value))
    except rules.InvalidIdentifier:
        pass
    digits = "".join(c for c in value.upper() if c.isdigit() or c in ".X")
    if digits.isdigit() and len(digits) in (8, 12):   # a whole number typed without its check digit
        return queryset.filter(application_no=f"{digits}.{rules._app_check(digits)}")
    if len(digits) >= 4 and digits.replace(".", "").replace("X", "").isdigit() and \
            len(digits) >= len(value.upper().removeprefix("ZL").removeprefix("CN").strip()):
        return queryset.filter(application_no__startswith=digits)
    return queryset.filter(Q(title__icontains=value) | Q(applicants__icontains=value) |
                           Q(current_owner__icontains=value) | Q(holder_name__icontains=value) |
                           Q(abstract__icontains=value) | Q(ipc_main__istartswith=value) | Q(agency__icontains=value))


class EnterpriseFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称/信用代码"))
    region = RegionChoiceFilter()
    industry_chain = django_filters.ModelChoiceFilter(queryset=IndustryChain.objects.all(), label=_("产业链"))
    tag = django_filters.CharFilter(method="with_tag", label=_("标签"))
    is_key_enterprise = django_filters.BooleanFilter(label=_("重点企业库"))
    cultivation_tier = django_filters.ChoiceFilter(choices=CultivationTier.choices, method="in_cultivation",
                                                   label=_("培育库梯次"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry_chain", "tag", "is_key_enterprise", "cultivation_tier"]

    def search(self, queryset, name, value):
        return search_enterprises(queryset, value)

    def with_tag(self, queryset, name, value):
        from ipdesk.regions.models import DictionaryEntry
        code = DictionaryEntry.objects.filter(dictionary="enterprise_tag").filter(
            Q(code=value) | Q(label=value)).values_list("code", flat=True).first() or value
        # JSON list membership, portable across SQLite and PostgreSQL: the code quoted inside the list text
        return queryset.filter(tags__icontains=f'"{code}"')

    def in_cultivation(self, queryset, name, value):
        return queryset.filter(cultivation__tier=value).distinct()


class PatentFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("申请号/名称/申请人/关键词"))
    patent_type = django_filters.ChoiceFilter(choices=PatentType.choices, label=_("专利类型"))
    legal_status = django_filters.ChoiceFilter(choices=LegalStatus.choices, label=_("法律状态"))
    region = RegionChoiceFilter()
    holder = EnterpriseChoiceFilter(field_name="holder", label=_("权利人企业"))
    unmatched = django_filters.BooleanFilter(field_name="holder", lookup_expr="isnull", label=_("未匹配企业"))
    is_domestic = django_filters.BooleanFilter(label=_("国内"))
    is_pct = django_filters.BooleanFilter(label=_("PCT进入国家阶段"))  # PCT international applications: PctApplicationFilter
    filed_from = django_filters.DateFilter(field_name="filing_date", lookup_expr="gte", label=_("申请日起"))
    filed_to = django_filters.DateFilter(field_name="filing_date", lookup_expr="lte", label=_("申请日止"))
    granted_from = django_filters.DateFilter(field_name="grant_date", lookup_expr="gte", label=_("授权日起"))
    granted_to = django_filters.DateFilter(field_name="grant_date", lookup_expr="lte", label=_("授权日止"))

    class Meta:
        model = Patent
        fields = ["q", "patent_type", "legal_status", "region", "holder", "unmatched", "is_domestic", "is_pct"]

    def search(self, queryset, name, value):
        return search_patents(queryset, value)


class PctApplicationFilter(FilterSet):
    """PCT international applications; `region` + `year` is the drill-down of the PCT indicator."""
    q = django_filters.CharFilter(method="search", label=_("国际申请号/名称/申请人"))
    region = RegionChoiceFilter()
    year = django_filters.NumberFilter(field_name="international_filing_date", lookup_expr="year",
                                       label=_("国际申请年度"))
    filed_from = django_filters.DateFilter(field_name="international_filing_date", lookup_expr="gte",
                                           label=_("国际申请日起"))
    filed_to = django_filters.DateFilter(field_name="international_filing_date", lookup_expr="lte",
                                         label=_("国际申请日止"))
    applicant = EnterpriseChoiceFilter(field_name="applicant", label=_("申请人企业"))
    is_domestic = django_filters.BooleanFilter(label=_("国内"))

    class Meta:
        model = PctApplication
        fields = ["q", "region", "year", "applicant", "is_domestic"]

    def search(self, queryset, name, value):
        from . import pct
        value = (value or "").strip()
        if not value:
            return queryset
        try:
            return queryset.filter(international_application_no=pct.normalize_pct_no(value))
        except rules.InvalidIdentifier:
            pass
        return queryset.filter(Q(international_application_no__icontains=value) | Q(title__icontains=value) |
                               Q(applicants__icontains=value) | Q(publication_no__icontains=value))


class PatentEventFilter(FilterSet):
    application_no = django_filters.CharFilter(field_name="patent__application_no", label=_("申请号"))
    kind = django_filters.ChoiceFilter(choices=PatentEventKind.choices, label=_("事件"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("日期起"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("日期止"))

    class Meta:
        model = PatentEvent
        fields = ["application_no", "kind"]


class TrademarkFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("注册号/名称/注册人"))
    status = django_filters.ChoiceFilter(choices=TrademarkStatus.choices, label=_("状态"))
    nice_class = django_filters.NumberFilter(label=_("类别"))
    region = RegionChoiceFilter()
    owner = EnterpriseChoiceFilter(field_name="owner", label=_("注册人企业"))

    class Meta:
        model = Trademark
        fields = ["q", "status", "nice_class", "region", "owner", "is_geographic_indication"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(registration_no__startswith=value) | Q(name__icontains=value) |
                               Q(owner_name__icontains=value))


class GIProductFilter(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("产品名称"))

    class Meta:
        model = GIProduct
        fields = ["name", "protection_type"]


class CultivationFilter(FilterSet):
    class Meta:
        model = CultivationMembership
        fields = ["year", "tier", "is_pilot"]


class ContactFilter(FilterSet):
    enterprise = EnterpriseChoiceFilter()

    class Meta:
        model = Contact
        fields = ["enterprise"]
