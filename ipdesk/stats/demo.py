"""Demo for stats: 2022 targets per district (考核指标分解), the November 2022 bulletin published and
the December draft prepared. Idempotent."""
from decimal import Decimal

# indicator: {region code: target}; the city's own line first.
TARGETS_2022 = {
    "invention_grants": {"370400": 660, "370402": 90, "370403": 120, "370404": 100, "370405": 60, "370406": 50,
                         "370481": 240},
    "valid_invention_patents": {"370400": 3200, "370402": 450, "370403": 640, "370404": 500, "370405": 330,
                                "370406": 280, "370481": 1000},
    "valid_invention_per_10k": {"370400": 8.3},
    "pct_applications": {"370400": 15, "370402": 6, "370403": 9},
}


def load(stdout=None):
    from ipdesk.regions.models import Region
    from ipdesk.regions.setup import city_region

    from .actions import prepare_bulletin, publish_bulletin
    from .facts import rebuild
    from .models import Bulletin, Target

    regions = {r.code: r for r in Region.objects.all()}
    for indicator, per_region in TARGETS_2022.items():
        for code, value in per_region.items():
            if code in regions:
                Target.objects.get_or_create(region=regions[code], year=2022, indicator=indicator,
                                             defaults={"value": Decimal(str(value)), "note": "2022年度考核目标"})
    rebuild()   # the registry demo writes with bulk_create, which sends no signal (stats.facts)
    city = city_region()
    if not Bulletin.objects.filter(region=city, year=2022, month=11).exists():
        publish_bulletin(prepare_bulletin(city, 2022, 11), None)
    if not Bulletin.objects.filter(region=city, year=2022, month=12).exists():
        prepare_bulletin(city, 2022, 12)
    if stdout:
        stdout.write(f"  stats demo: {Target.objects.count()} targets, {Bulletin.objects.count()} bulletins")
