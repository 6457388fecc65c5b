import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ipdesk.core.columns import BaseTable
from ipdesk.core.exports import mask_phone

from .models import Contact, CultivationMembership, Enterprise, GIProduct, Patent, PatentEvent, PctApplication, \
    Trademark


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True)
    tags = tables.Column(verbose_name=_("标签"), orderable=False)

    class Meta:
        model = Enterprise
        fields = ("name", "uscc", "region", "industry_chain", "tags", "is_key_enterprise", "commissioner")

    def render_tags(self, value, record):
        return "、".join(record.tag_labels()) or "—"


class PatentTable(BaseTable):
    application_no = tables.Column(linkify=True)

    class Meta:
        model = Patent
        fields = ("application_no", "patent_type", "title", "holder_name", "holder", "region", "filing_date",
                  "grant_date", "legal_status")


class PctApplicationTable(BaseTable):
    international_application_no = tables.Column(linkify=True)

    class Meta:
        model = PctApplication
        fields = ("international_application_no", "international_filing_date", "title", "first_applicant",
                  "applicant", "region", "publication_no", "national_application_no")


class PatentEventTable(BaseTable):
    patent = tables.Column(linkify=True, verbose_name=_("专利"))

    class Meta:
        model = PatentEvent
        fields = ("patent", "kind", "date", "owner_before", "owner_after", "region_after", "source")


class TrademarkTable(BaseTable):
    registration_no = tables.Column(linkify=True)

    class Meta:
        model = Trademark
        fields = ("registration_no", "name", "nice_class", "owner_name", "owner", "region", "registration_date",
                  "expiry_date", "status")


class GIProductTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = GIProduct
        fields = ("name", "region", "protection_type", "approved_on", "holder")


class CultivationTable(BaseTable):
    enterprise = tables.Column(linkify=lambda record: record.enterprise.get_absolute_url(), verbose_name=_("企业"))

    class Meta:
        model = CultivationMembership
        fields = ("enterprise", "year", "tier", "is_pilot", "note")


class ContactTable(BaseTable):
    enterprise = tables.Column(verbose_name=_("企业"))
    name = tables.Column(linkify=True)

    class Meta:
        model = Contact
        fields = ("enterprise", "name", "title", "phone", "email")

    def __init__(self, *args, reveal=False, **kwargs):
        self.reveal = reveal
        super().__init__(*args, **kwargs)

    def render_phone(self, value):
        return value if self.reveal else mask_phone(value)
