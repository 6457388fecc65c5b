"""`ipdesk protection_warnings [--date YYYY-MM-DD]`: send the time-limit warnings now (the periodic
task does it every morning); safe to repeat, each warning is sent once."""
from django.core.management.base import BaseCommand, CommandError

from ipdesk.core import context
from ipdesk.core.dates import InvalidDate, parse_iso_date
from ipdesk.protection.tasks import send_limit_warnings


class Command(BaseCommand):
    help = "Notify case handlers of adjudication time limits that are due soon or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="check as of this date (YYYY-MM-DD), default today")

    def handle(self, *args, **options):
        try:
            day = parse_iso_date(options.get("date"), field="--date")
        except InvalidDate as exc:
            raise CommandError(str(exc)) from None
        with context.acting_as(None, request_id="protection_warnings"):
            sent = send_limit_warnings(day)
        self.stdout.write(f"sent {sent} time-limit warnings")
