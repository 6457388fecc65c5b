from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ipdesk.regions.setup import DATA_DIR, load_reference_file


class Command(BaseCommand):
    help = "Set up a city's regions and reference data from its reference file (默认：枣庄 370400)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a city reference file (JSON); default: the shipped file for IPDESK_CITY_CODE")

    def handle(self, *args, file=None, **options):
        from django.conf import settings
        path = Path(file) if file else DATA_DIR / "cities" / f"{settings.IPDESK_CITY_CODE}.json"
        if not path.exists():
            raise CommandError(f"找不到城市基础数据文件：{path}")
        try:
            city = load_reference_file(path)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"{city.code} {city.name}: {city.descendants().count()} regions loaded")
