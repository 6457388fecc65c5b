"""core.dates.parse_iso_date: the strict YYYY-MM-DD reader of parameters (query, API, command line, step data)."""
import datetime as dt

import pytest

from ipdesk.core.dates import InvalidDate, parse_iso_date


def test_iso_dates_none_and_dates():
    assert parse_iso_date("2022-12-31") == dt.date(2022, 12, 31)
    assert parse_iso_date(None) is None and parse_iso_date("") is None
    day = dt.date(2024, 2, 29)
    assert parse_iso_date(day) is day


@pytest.mark.parametrize("raw", ["2022/12/31", "2022-1-5", "20221231x", "2022-02-30", " ", " 2022-12-31", "2022年1月5日"])
def test_anything_else_is_refused_naming_the_field(raw):
    with pytest.raises(InvalidDate) as exc:
        parse_iso_date(raw, field="截止日期")
    assert isinstance(exc.value, ValueError)  # callers that catch ValueError keep working
    assert exc.value.code == "invalid_date" and exc.value.field == "截止日期" and exc.value.value == raw
    assert str(exc.value) == f"截止日期格式不正确：{raw}（应为 YYYY-MM-DD）"


def test_without_a_field_the_message_says_date():
    with pytest.raises(InvalidDate) as exc:
        parse_iso_date("2023/01/01")
    assert str(exc.value) == "日期格式不正确：2023/01/01（应为 YYYY-MM-DD）"
