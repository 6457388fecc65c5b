"""`ipdesk service_warnings [--date YYYY-MM-DD]`: send the overdue and due-soon warnings now (the
huey task does this every morning)."""
from django.core.management.base import BaseCommand, CommandError

from ipdesk.core import context
from ipdesk.core.dates import InvalidDate, parse_iso_date
from ipdesk.services.tasks import send_overdue_warnings


class Command(BaseCommand):
    help = "Warn commissioners about service requests that are due within a day or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--warn-days", type=int, default=1, help="days ahead that count as due soon (default 1)")

    def handle(self, *args, date=None, warn_days=1, **options):
        try:
            today = parse_iso_date(date, field="--date")
        except InvalidDate as exc:
            raise CommandError(str(exc)) from None
        if warn_days < 0:
            raise CommandError("--warn-days 不能为负数")
        with context.acting_as(None, request_id="service_warnings"):
            sent = send_overdue_warnings(today, warn_days)
        self.stdout.write(f"已发送 {sent} 条服务申请到期/超期提醒")
