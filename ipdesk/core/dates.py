"""Dates given as parameters (a URL's query, an API call, a command line, a workflow step's data): strict ISO 8601
calendar dates, YYYY-MM-DD (date.fromisoformat; the form every page, export and the API writes). The one home of
that rule; the lenient reader of spreadsheet cells (2022/1/5, 20220105, 2022年1月5日, Excel serials) is
core.imports.parse_date, for imports only.
"""
import datetime
import re

from django.utils.translation import gettext as _


class InvalidDate(ValueError):
    """A parameter that is no YYYY-MM-DD date; the message (Chinese) names the field and the value."""
    code = "invalid_date"

    def __init__(self, message, field=None, value=None):
        super().__init__(message)
        self.field, self.value = field, value


# The one layout: date.fromisoformat alone also takes 20221231, week dates (2022-W52-6) and, through str.isdigit,
# other scripts' digits (Python 3.11+ reads "most ISO 8601 formats", docs.python.org/3/library/datetime.html).
_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_iso_date(value, *, field=None):
    """The date of `value`: None for none (None or ""), a date as it is, else the YYYY-MM-DD text as a date;
    anything else raises InvalidDate (a ValueError) "{field}格式不正确：{value}（应为 YYYY-MM-DD）", `field`
    defaulting to 日期. The text is taken as given (no trimming, no other layout)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        if not _YYYY_MM_DD.fullmatch(str(value)):
            raise ValueError(value)
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        message = (_("%(field)s格式不正确：%(value)s（应为 YYYY-MM-DD）") if field else
                   _("日期格式不正确：%(value)s（应为 YYYY-MM-DD）"))
        raise InvalidDate(message % {"field": field, "value": value}, field=field, value=value) from None
