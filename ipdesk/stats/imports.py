"""Import of assessment targets (考核指标分解) through the one pipeline (ipdesk.core.imports).

The targets page's upload (/stats/targets/import/), `ipdesk import stats_targets FILE` and
POST /api/imports/stats_targets/ all come here, so a targets file is read like every other: all rows or
none (or only the good ones, when asked), every error of a row named with its line and column, a dry run,
and each created or changed target audited. Only the city may set targets (Target.scope: CITY_ONLY).
A row is a region (by code), a year, a figure (by key or by its name, 发明专利授权量) and the target value;
the region, year and figure are the key, so a file imported again changes nothing.
"""
from decimal import Decimal

from django.utils.translation import gettext_lazy as _l

from ipdesk.core.imports import Field, ImportSpec, RowError, parse_decimal, parse_int, register, text
from ipdesk.regions.models import Region

from .figures import TARGET_KEYS, label
from .models import Target

# Targets are set for the years of the plans in force (十四五, 十五五 …), never for the last century.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_year(value):
    """A year as 2023, "2023" or "2023年"."""
    s = text(value).removesuffix("年")
    try:
        year = parse_int(s)
    except ValueError:
        year = None
    if year is None and s or year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"应为四位年份，实为“{text(value)}”")
    return year


def parse_figure(value):
    """A figure targets can be set for, by key (invention_grants) or by name (发明专利授权量)."""
    s = text(value)
    if not s:
        return None
    key = {label(k): k for k in TARGET_KEYS}.get(s, s)
    if key not in TARGET_KEYS:
        raise ValueError(f"未知指标“{s}”（可用：{'、'.join(label(k) for k in TARGET_KEYS)}）")
    return key


_VALUE = Target._meta.get_field("value")
VALUE_LIMIT = Decimal(10) ** (_VALUE.max_digits - _VALUE.decimal_places)   # what the column holds


def parse_target_value(value):
    """A target: a number, not negative (a thousands separator allowed), that the column can hold."""
    number = parse_decimal(value)
    if number is not None and (not number.is_finite() or number < 0):
        raise ValueError(f"应为非负数，实为“{text(value)}”")
    if number is not None and number >= VALUE_LIMIT:
        raise ValueError(f"数值过大（应小于 {VALUE_LIMIT:,}）：{text(value)}")
    return number


@register
class TargetImport(ImportSpec):
    name = "stats_targets"
    label = "考核目标"
    model = Target
    key = ("region_id", "year", "indicator")
    fields = [
        Field("region_code", ("区划代码", "行政区划代码", "region", "region_code"), required=True),
        Field("year", ("年度", "year"), parse_year, required=True, help=_l("四位年份，如 2023")),
        Field("indicator", ("指标", "indicator"), parse_figure, required=True,
              help=_l("指标名称（如 发明专利授权量）或指标代码")),
        Field("value", ("目标值", "目标", "value", "target"), parse_target_value, required=True),
        Field("note", ("备注", "note")),
    ]

    def begin(self, ctx):
        ctx.cache["regions"] = dict(Region.objects.values_list("code", "pk"))

    def clean(self, values, ctx):
        code = values["region_code"].removesuffix(".0")
        region_id = ctx.cache["regions"].get(code)
        if region_id is None:
            raise RowError("区划代码", f"不存在的区划代码“{code}”")
        return {"region_id": region_id, "year": values["year"], "indicator": values["indicator"],
                "value": values["value"], "note": values["note"] or ""}
