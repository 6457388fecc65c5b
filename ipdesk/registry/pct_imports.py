"""Import of PCT international applications (PCT国际申请) through the one pipeline (ipdesk.core.imports).

`ipdesk import pct_applications FILE` / the upload page / POST /api/imports/pct_applications/. A row is
placed like a patent (registry.placement through registry.imports.locate, from its first applicant), and a
row of another city is counted as "outside". The patent import hands its rows numbered `PCT/…` here
(`pct_record_from_patent_row`), so an export mixing CN patents and PCT applications imports whole.
"""
from django.utils.translation import gettext_lazy as _l

from ipdesk.core.imports import Field, ImportSpec, RowError, parse_date, register, text

from . import pct, rules
from .imports import AREA_FIELDS, identifier_parser, load_lookups, locate, match_enterprise, parse_country, \
    parse_uscc
from .models import PctApplication


parse_pct_no = identifier_parser(pct.normalize_pct_no)
parse_wo_no = identifier_parser(pct.normalize_wo_no)
parse_national_no = identifier_parser(rules.normalize_application_no)   # the CN national-phase number, optional


def pct_record(ctx, *, number, filing_date, title, applicants, values, publication_no="", priority_data="",
               national_application_no=""):
    """Model values of a PctApplication from a row's parsed cells (shared by both imports). The row is placed
    from its first applicant (第一申请人): credit code, region code, area columns, matched enterprise, address."""
    first = rules.first_name(applicants)
    if not first:
        raise RowError("申请人", "申请人不能为空")
    if filing_date is None:
        raise RowError("国际申请日", "必填，不能为空")
    enterprise_id, enterprise_region = match_enterprise(ctx, values.get("uscc") or "", first)
    region_id, signal = locate(ctx, values, enterprise_id, enterprise_region)
    country = values.get("country_code") or ""
    return {
        "international_application_no": number, "international_filing_date": filing_date,
        "title": (title or "")[:500], "applicants": (applicants or "")[:1000], "first_applicant": first[:200],
        "applicant_id": enterprise_id, "address": (values.get("address") or "")[:300], "region_id": region_id,
        "region_signal": signal, "country_code": country,
        "is_domestic": rules.is_domestic(country, values.get("address") or "",
                                         values.get("uscc") or ("x" if enterprise_id else "")),
        "priority_data": (priority_data or "")[:500], "publication_no": publication_no or "",
        "national_application_no": national_application_no or "",
    }


def pct_record_from_patent_row(values, ctx):
    """A patent-file row whose 申请号 is a PCT international application number, as a PctApplication. A patent
    file has no 国际公布号, 优先权 or 国家阶段申请号 for it: those attnames are left out of the record, so the upsert
    keeps the stored values (a new record takes the model's empty default), as PctApplicationImport.kept_when_absent
    does for a PCT file without those columns (PCT_FILE_ONLY)."""
    record = pct_record(ctx, number=values["application_no"], filing_date=values.get("filing_date"),
                        title=values.get("title"), applicants=values.get("applicants") or values.get("current_owner"),
                        values=values)
    for attname in PCT_FILE_ONLY:
        del record[attname]
    return record


# what only a PCT file has (a patent file never does): kept as stored when a file has no column for them
PCT_FILE_ONLY = ("publication_no", "priority_data", "national_application_no")


@register
class PctApplicationImport(ImportSpec):
    name = "pct_applications"
    label = "PCT国际申请"
    model = PctApplication
    key = ("international_application_no",)
    fields = [
        Field("international_application_no", ("国际申请号", "PCT申请号", "PCT国际申请号", "international_application_no",
                                               "international application number", "申请号"),
              parse_pct_no, required=True, help=_l("如 PCT/CN2025/137406；也接受 PCTCN2025137406、PCT/CN03/00123")),
        Field("international_filing_date", ("国际申请日", "international_filing_date", "international filing date",
                                            "申请日"), parse_date, required=True),
        Field("title", ("发明名称", "名称", "title"), required=True),
        Field("applicants", ("申请人", "applicants", "applicant"), required=True,
              help=_l("多个申请人以 ；、; 分隔，第一个为第一申请人")),
        Field("uscc", ("统一社会信用代码", "uscc"), parse_uscc),
        Field("address", ("地址", "申请人地址", "address")),
        Field("region_code", ("行政区划代码", "区划代码", "region_code")),
        Field("country_code", ("国省代码", "country_code"), parse_country),
        Field("publication_no", ("国际公布号", "公开号", "WO公开号", "publication_no"), parse_wo_no,
              help=_l("如 WO2025/123456")),
        Field("priority_data", ("优先权", "优先权数据", "priority_data", "priority")),
        Field("national_application_no", ("中国国家阶段申请号", "国家阶段申请号", "national_application_no"),
              parse_national_no),
        *AREA_FIELDS,
    ]
    derived = {"region_signal": "region_id"}
    # Kept as stored when the file has no such column (core.imports.specs.ImportSpec.kept_when_absent): the WO
    # publication, the priority data and the CN national-phase number an officer entered or another source supplied,
    # and the address; a row the file's other cells do not place then keeps the stored region, its basis and 国内,
    # which the stored address decided (ImportSpec.placement).
    kept_when_absent = (*PCT_FILE_ONLY, "address")
    placed_from, placement = "address", ("region_id", "region_signal", "is_domestic")
    placement_basis = ("first_applicant", "country_code")   # the applicant's name, not our match of it (see patents)
    threaded = True

    def begin(self, ctx):
        load_lookups(ctx)

    def clean(self, values, ctx):
        return pct_record(ctx, number=values["international_application_no"],
                          filing_date=values["international_filing_date"], title=values["title"],
                          applicants=values["applicants"], values=values, publication_no=values["publication_no"],
                          priority_data=values["priority_data"],
                          national_application_no=values["national_application_no"])
