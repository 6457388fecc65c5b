"""Error codes of the bulletin workflow (Saleor's error_codes.py pattern): the code is the contract, the
message beside it what a person reads."""
import enum

from django.utils.translation import gettext_lazy as _

from ipdesk.core.error_codes import ErrorCatalogue


class StatsErrorCode(enum.StrEnum):
    ALREADY_PUBLISHED = "stats_already_published"
    PUBLISHED_NOT_REFRESHED = "stats_published_not_refreshed"
    SUMMARY_EMPTY = "stats_summary_empty"
    MONTH_INVALID = "stats_month_invalid"
    NOT_CITY_OFFICER = "stats_not_city_officer"


MESSAGES = {
    StatsErrorCode.ALREADY_PUBLISHED: _("该通报已发布，不能重复发布。"),
    StatsErrorCode.PUBLISHED_NOT_REFRESHED: _("%(title)s已发布，不能重新生成。"),
    StatsErrorCode.SUMMARY_EMPTY: _("综述不能为空。"),
    StatsErrorCode.MONTH_INVALID: _("月份应为1—12：%(month)s"),
    StatsErrorCode.NOT_CITY_OFFICER: _("专利通报由市局工作人员生成和发布。"),
}


_catalogue = ErrorCatalogue(StatsErrorCode, MESSAGES)
message, error, denied = _catalogue.message, _catalogue.error, _catalogue.denied
