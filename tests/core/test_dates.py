"""core.dates.parse_iso_date: the strict YYYY-MM-DD reader of parameters (query, API, command line, step data)."""
import datetime as dt

import pytest

from ipdesk.core.dates import InvalidDate, parse_iso_date


def test_iso_dates_none_and_dates():
    assert parse_iso_date("2022-12-31") == dt.date(2022, 12, 31)
    assert parse_iso_date(None) is None and parse_iso_date("") is None
    day = dt.date(2024, 2, 29)
    assert parse_iso_date(day) is day


@pytest.mark.parametrize("raw", ["2022/12/31", "2022-1-5", "20221231x", "2022-02-30", " ", " 2022-12-31", "2022年1月5日",
                                 # Python 3.11+ date.fromisoformat also reads these ISO 8601 forms; a parameter is
                                 # YYYY-MM-DD only
                                 "20221231", "2022-W52-6", "2022W526", "２０２２-１２-３１"])
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


# ---- The callers: each says which parameter is wrong, in the one message ---------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("command, args, field", [
    ("indicators", ["--region", "370400", "--as-of", "2022/12/31"], "--as-of"),
    ("indicators", ["--region", "370400", "--as-of", "2022-12-31", "--from", "2022-1-1"], "--from"),
    ("service_warnings", ["--date", "2022/12/31"], "--date"),
    ("protection_warnings", ["--date", "2022/12/31"], "--date"),
    ("detect", ["--since", "2022-01-01", "--until", "31.12.2022"], "--until"),
])
def test_commands_name_the_bad_option(regions, command, args, field):
    from django.core.management import CommandError, call_command
    with pytest.raises(CommandError) as exc:
        call_command(command, *args)
    assert str(exc.value) == f"{field}格式不正确：{args[-1]}（应为 YYYY-MM-DD）"


@pytest.mark.parametrize("stored, shown", [("2022-01-05", "2022年1月5日"), (dt.date(2022, 12, 31), "2022年12月31日"),
                                           (None, ""), ("", ""), ("待定", "待定")])
def test_the_bulletin_document_writes_stored_dates_in_chinese(stored, shown):
    """stats.bulletin_docx._cn_iso: a stored ISO date as 2022年1月5日; anything else as it is (never an error)."""
    from ipdesk.stats.bulletin_docx import _cn_iso
    assert _cn_iso(stored) == shown
