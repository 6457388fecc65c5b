"""Population as data with its source and year (issue 16 item 6).

The 7th census (2020) as published for Zaozhuang: the city 3,855,601 (《枣庄市第七次全国人口普查公报》), 滕州市
157.46万 and 台儿庄区 30.51万 (the communiqué's district table as quoted in 万, two decimals: seeded rounded to the
hundred). 高新区 is reported separately, so the six districts do not add up to the city; the other districts'
figures are estimates (估算) until the published ones are entered, and the population page says where children
and parent differ."""
import json

import pytest

from ipdesk.regions.setup import DATA_DIR

pytestmark = pytest.mark.django_db


def _seed():
    data = json.loads((DATA_DIR / "cities" / "370400.json").read_text(encoding="utf-8"))
    return {(row["region"], row["year"]): row for row in data["population"]}


def test_the_published_census_figures_are_seeded_with_their_source():
    seed = _seed()
    city, tengzhou, taierzhuang = seed[("370400", 2020)], seed[("370481", 2020)], seed[("370405", 2020)]
    assert city["population"] == 3855601 and not city.get("estimated")
    assert tengzhou["population"] == 1574600 and "157.46万" in tengzhou["source"] and not tengzhou.get("estimated")
    assert taierzhuang["population"] == 305100 and "30.51万" in taierzhuang["source"]
    for row in (city, tengzhou, taierzhuang):
        assert "第七次全国人口普查公报" in row["source"]


def test_unpublished_district_figures_are_marked_estimated():
    seed = _seed()
    for code in ("370402", "370403", "370404", "370406"):
        row = seed[(code, 2020)]
        assert row["estimated"] is True and "估算" in row["source"], code


def test_the_districts_no_longer_add_up_to_the_city():
    seed = _seed()
    districts = sum(seed[(c, 2020)]["population"] for c in ("370402", "370403", "370404", "370405", "370406", "370481"))
    assert districts < seed[("370400", 2020)]["population"]


def test_loaded_rows_carry_source_and_estimate(regions):
    from ipdesk.regions.models import Population
    row = Population.objects.get(region__code="370481", year=2020)
    assert (row.population, row.is_estimate) == (1574600, False)
    assert Population.objects.get(region__code="370402", year=2020).is_estimate is True


def test_population_gaps_name_the_parent_the_sum_and_the_children_without_a_figure(regions):
    from ipdesk.regions.setup import population_gaps
    gaps = {(g.region.code, g.year): g for g in population_gaps()}
    city = gaps[("370400", 2020)]
    seed = _seed()
    total = sum(seed[(c, 2020)]["population"] for c in ("370402", "370403", "370404", "370405", "370406", "370481"))
    assert (city.population, city.children_total, city.difference) == (3855601, total, 3855601 - total)
    assert city.estimated_children == 4
    # 高新区 (a functional zone under 薛城区) has no figure: 薛城区's children are not compared.
    assert ("370403", 2020) not in gaps


def test_the_population_page_shows_where_children_do_not_add_up(regions, client_for, users):
    html = client_for(users["city"]).get("/regions/populations/").content.decode()
    assert 'data-testid="population-gaps"' in html
    gap = html.split('data-testid="population-gaps"')[1]
    assert "枣庄市" in gap and "2020" in gap and "估算" in gap


def test_the_population_list_keeps_its_export_and_add_button(regions, client_for, users):
    client = client_for(users["city"])
    html = client.get("/regions/populations/").content.decode()
    assert "/regions/populations/add/" in html
    response = client.get("/regions/populations/?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "估算" in body.splitlines()[0] and "157.46万" in body
