"""`ipdesk indicators --region CODE --as-of YYYY-MM-DD [--from YYYY-MM-DD] --json`: a region's figures."""
import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print a region's indicators (period figures from --from, default 1 January, to --as-of) with YoY."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code, e.g. 370400")
        parser.add_argument("--as-of", required=True, dest="as_of", help="YYYY-MM-DD")
        parser.add_argument("--from", dest="start", help="YYYY-MM-DD (default: 1 January of the --as-of year)")
        parser.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args, region, as_of, start=None, json=False, **options):
        from ipdesk.core.dates import parse_iso_date
        from ipdesk.regions.models import Region
        from ipdesk.stats.indicators import figures, label

        try:
            as_of_date = parse_iso_date(as_of, field="--as-of")
            start_date = parse_iso_date(start, field="--from")
            obj = Region.objects.filter(code=region).first()
            if obj is None:
                raise ValueError(f"区划代码不存在：{region}")
            result = figures(obj, as_of_date, start_date)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_dumps(result))
            return
        for key, value in result.items():
            if not key.endswith("_yoy"):
                yoy = result.get(f"{key}_yoy")
                self.stdout.write(f"{label(key)}\t{value}" + (f"\t同比 {yoy:+.1%}" if isinstance(yoy, float) else ""))


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, default=str)
