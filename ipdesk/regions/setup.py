"""Setting a city up from data: its subtree of the national code table plus its reference file.

The national table (GB/T 2260, county level) ships as data/regions-cn.csv; a city's own file
(data/cities/<code>.json, or any file an operator writes in the same shape) adds functional zones,
address keywords, population, industry chains and dictionaries. Loading is idempotent.
"""
import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import DictionaryEntry, IndustryChain, Population, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


def national_rows(path=None):
    with open(path or DATA_DIR / "regions-cn.csv", encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def _upsert_region(code, **fields):
    region = Region.objects.filter(code=code).first()
    if region is None:
        return Region.objects.create(code=code, **fields)
    changed = [k for k, v in fields.items() if getattr(region, k) != v]
    if changed:
        for k in changed:
            setattr(region, k, fields[k])
        region.save()
    return region


@transaction.atomic
def load_city(city_code, national_csv=None):
    """Load the province, the city and the city's county-level units from the national table."""
    rows = {r["code"]: r for r in national_rows(national_csv)}
    if city_code not in rows:
        raise ValueError(f"区划代码 {city_code} 不在全国区划表中")
    city_row = rows[city_code]
    chain = [city_row]
    while chain[0]["parent_code"]:
        chain.insert(0, rows[chain[0]["parent_code"]])
    parent = None
    for row in chain:
        parent = _upsert_region(row["code"], name=row["name"], level=row["level"], parent=parent)
    city = parent
    children = sorted((r for r in rows.values() if r["parent_code"] == city_code), key=lambda r: r["code"])
    for order, row in enumerate(children, start=1):
        _upsert_region(row["code"], name=row["name"], level=row["level"], parent=city, sort_order=order)
    return city


@transaction.atomic
def load_reference_file(path):
    """Apply a city reference file: zones, address keywords, population, industry chains, dictionaries."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    city = load_city(data["city"])
    for order, zone in enumerate(data.get("functional_zones", []), start=100):
        _upsert_region(zone["code"], name=zone["name"], short_name=zone.get("short_name", ""),
                       level="zone", is_functional_zone=True, sort_order=order,
                       parent=Region.objects.get(code=zone.get("parent") or city.code),
                       address_keywords=zone.get("address_keywords", ""))
    for code, keywords in data.get("address_keywords", {}).items():
        Region.objects.filter(code=code).exclude(address_keywords=keywords).update(address_keywords=keywords)
    for row in data.get("population", []):
        Population.objects.update_or_create(region=Region.objects.get(code=row["region"]), year=row["year"],
                                            defaults={"population": row["population"],
                                                      "source": row.get("source", ""),
                                                      "is_estimate": bool(row.get("estimated", False))})
    for order, row in enumerate(data.get("industry_chains", []), start=1):
        IndustryChain.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "group": row.get("group", ""), "sort_order": order,
            "strategic_emerging": row.get("strategic_emerging", False), "ipc_prefixes": row.get("ipc_prefixes", "")})
    for name, entries in data.get("dictionaries", {}).items():
        for order, (code, label) in enumerate(entries, start=1):
            DictionaryEntry.objects.update_or_create(dictionary=name, code=code,
                                                     defaults={"label": label, "sort_order": order})
    return city


def city_region():
    """The city this installation serves (settings.IPDESK_CITY_CODE)."""
    from django.conf import settings
    return Region.objects.get(code=settings.IPDESK_CITY_CODE)


def population(region, year):
    """Year-end population of `region` for `year`, else the latest earlier year (e.g. the census)."""
    row = Population.objects.filter(region=region, year__lte=year).order_by("-year").first()
    return row.population if row else None


@dataclass
class PopulationGap:
    """A parent whose figure for `year` differs from the sum of its children's figures for that year."""
    region: object
    year: int
    population: int
    children_total: int
    estimated_children: int         # children whose figure is 估算
    missing: list                   # children with no figure that year (e.g. a functional zone reported apart)

    @property
    def difference(self):
        return self.population - self.children_total


def population_gaps(rows=None):
    """Every (parent, year) where the parent has a figure, every child of it has one too (functional zones
    aside: they are often reported apart, as 枣庄高新区 in the 2020 census, and are listed as `missing`), and the
    children do not add up to the parent. Children with no figure at all for the year: not compared."""
    rows = list(rows if rows is not None else Population.objects.select_related("region"))
    by_key = {(p.region_id, p.year): p for p in rows}
    children = {}
    for region in Region.objects.filter(parent__isnull=False):
        children.setdefault(region.parent_id, []).append(region)
    gaps = []
    for (region_id, year), parent in sorted(by_key.items(), key=lambda kv: (kv[1].region.path, kv[0][1])):
        kids = children.get(region_id, [])
        counted = [by_key[(k.pk, year)] for k in kids if (k.pk, year) in by_key]
        missing = [k for k in kids if (k.pk, year) not in by_key]
        if not counted or any(not k.is_functional_zone for k in missing):
            continue
        total = sum(p.population for p in counted)
        if total != parent.population:
            gaps.append(PopulationGap(parent.region, year, parent.population, total,
                                      sum(1 for p in counted if p.is_estimate), missing))
    return gaps
