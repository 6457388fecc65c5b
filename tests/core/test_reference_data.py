"""Regions and reference data are data: Zaozhuang is seeded, another city is set up from a file."""
import json

import pytest
from django.core.management import call_command

from ipdesk.regions.models import DictionaryEntry, IndustryChain, Population, Region
from ipdesk.regions.setup import population


@pytest.mark.django_db
def test_zaozhuang_is_seeded_from_its_reference_file():
    call_command("setup_city")
    city = Region.objects.get(code="370400")
    counties = set(city.children.filter(is_functional_zone=False).values_list("code", flat=True))
    assert counties == {"370402", "370403", "370404", "370405", "370406", "370481"}
    zone = Region.objects.get(short_name="枣庄高新区")
    assert zone.is_functional_zone and zone.parent.code == "370403"
    assert population(city, 2022) == 3855601  # latest available year: the 2020 census
    assert IndustryChain.objects.count() == 9
    assert DictionaryEntry.objects.filter(dictionary="insurer").count() == 9


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    call_command("setup_city")
    counts = (Region.objects.count(), Population.objects.count(), IndustryChain.objects.count())
    call_command("setup_city")
    assert (Region.objects.count(), Population.objects.count(), IndustryChain.objects.count()) == counts


@pytest.mark.django_db
def test_another_city_is_set_up_from_its_own_file(tmp_path):
    reference = tmp_path / "suzhou.json"
    reference.write_text(json.dumps({
        "city": "320500",
        "functional_zones": [{"code": "320500-SIP", "name": "苏州工业园区", "parent": "320500"}],
        "population": [{"region": "320500", "year": 2020, "population": 12748262}],
        "industry_chains": [{"code": "BIO", "name": "生物医药", "strategic_emerging": True}],
    }, ensure_ascii=False), encoding="utf-8")
    call_command("setup_city", str(reference))
    city = Region.objects.get(code="320500")
    assert city.parent.code == "320000"
    assert city.children.filter(is_functional_zone=False).count() >= 9
    assert Region.objects.get(code="320500-SIP").path.startswith(city.path)
    assert population(city, 2023) == 12748262


@pytest.mark.django_db
def test_unknown_city_code_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError
    reference = tmp_path / "bad.json"
    reference.write_text('{"city": "999999"}', encoding="utf-8")
    with pytest.raises(CommandError, match="999999"):
        call_command("setup_city", str(reference))


def test_population_is_editable_by_city_officers_only(users, clients, regions):
    row = Population.objects.get(region=regions["370400"], year=2020)
    assert clients["city"].get(f"/regions/populations/{row.pk}/edit/").status_code == 200
    assert clients["district"].get(f"/regions/populations/{row.pk}/edit/").status_code == 404
    assert clients["leader"].get(f"/regions/populations/{row.pk}/edit/").status_code == 404


def test_stale_form_is_refused_with_a_clear_message(users, clients, regions):
    row = Population.objects.get(region=regions["370400"], year=2020)
    form = {"region": row.region_id, "year": 2020, "population": 3855602, "source": "x", "_version": row.version}
    assert clients["city"].post(f"/regions/populations/{row.pk}/edit/", form).status_code == 302
    form["population"] = 3855603  # a second officer saving the form they opened before the first save
    response = clients["city"].post(f"/regions/populations/{row.pk}/edit/", form)
    assert response.status_code == 200
    assert "已被" in response.content.decode() and "修改" in response.content.decode()
    row.refresh_from_db()
    assert row.population == 3855602


@pytest.mark.parametrize("url", ["/regions/", "/regions/populations/", "/regions/industry-chains/"])
def test_reference_pages_for_every_role(clients, url):
    for role, client in clients.items():
        assert client.get(url).status_code == 200, (role, url)


def test_console_command_runs_management_commands(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    ipdesk = Path(sys.executable).with_name("ipdesk")
    out = subprocess.run([str(ipdesk), "help"], capture_output=True, text=True, env={"SECRET_KEY": "x", "PATH": "", "IPDESK_VAR_DIR": str(tmp_path)}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for command in ("migrate", "runserver", "createsuperuser", "setup_city", "load_demo", "audit"):
        assert command in out.stdout
