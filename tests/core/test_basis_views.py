"""The 依据 pages and API over HTTP, for every role: everyone signed in reads, only a city officer edits (audited,
refused from a stale or version-less form), and figures and deadlines link to their entry."""
import pytest

from ipdesk.core import basis
from ipdesk.core.models import AuditEntry, LegalBasis

ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]
pytestmark = pytest.mark.django_db


def _form(row, **changes):
    data = {name: getattr(row, name) for name in ("title", "kind", "source", "document", "article", "edition",
                                                   "excerpt", "verified_by", "note")}
    data["verified_on"] = row.verified_on.isoformat() if row.verified_on else ""
    if row.verified:
        data["verified"] = "on"
    data["_version"] = row.version
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_list_and_a_rule(role, clients):
    r = clients[role].get("/basis/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "fees.grace" in html and "第一百一十五条" in html and "待核对" in html
    assert "protection.limits.closure" in html  # the time limits are listed from their own records
    r = clients[role].get("/basis/fees.grace/")
    assert r.status_code == 200
    assert "《中华人民共和国专利法实施细则》" in r.content.decode()
    assert ('href="/basis/fees.grace/edit/"' in r.content.decode()) == (role == "city")


def test_list_groups_by_module_and_searches(clients):
    r = clients["district"].get("/basis/", {"q": "第七十七条"})
    keys = [row.key for g in r.context["groups"] for row in g["rows"]]
    assert "term.compensation" in keys and "compliance.behaviours" not in keys
    r = clients["district"].get("/basis/", {"q": "局令第77号"})
    assert [row.key for g in r.context["groups"] for row in g["rows"]] == ["compliance.behaviours"]
    r = clients["district"].get("/basis/")
    modules = [g["module"] for g in r.context["groups"]]
    assert modules.index("term") < modules.index("stats") < modules.index("protection")


def test_verified_filter(clients):
    LegalBasis.objects.filter(key="term.patent").update(verified=True)
    r = clients["city"].get("/basis/", {"verified": "yes"})
    assert [row.key for g in r.context["groups"] for row in g["rows"]] == ["term.patent"]
    r = clients["city"].get("/basis/", {"verified": "no"})
    keys = [row.key for g in r.context["groups"] for row in g["rows"]]
    assert "term.patent" not in keys and "fees.grace" in keys


def test_unknown_key_is_404_and_a_time_limit_goes_to_its_rule(clients):
    assert clients["city"].get("/basis/no.such_rule/").status_code == 404
    from ipdesk.protection.models import TimeLimitRule
    rule = TimeLimitRule.objects.get(code="closure")
    r = clients["district"].get("/basis/protection.limits.closure/")
    assert r.status_code == 302 and r["Location"] == rule.get_absolute_url()
    assert clients["city"].get("/basis/protection.limits.nonexistent/").status_code == 404


def test_city_officer_edits_a_rule_audited_and_kept_by_sync(clients, users):
    row = LegalBasis.objects.get(key="fees.grace")
    r = clients["city"].post("/basis/fees.grace/edit/", _form(row, article="第一百一十五条第一款", verified="on"))
    assert r.status_code == 302 and r["Location"] == "/basis/fees.grace/"
    row.refresh_from_db()
    assert row.article == "第一百一十五条第一款" and row.verified and row.edited_by_office
    assert row.verified_by == users["city"].display_name and row.verified_on is not None
    entry = AuditEntry.objects.filter(object_type__icontains="legalbasis", object_id=str(row.pk),
                                      action="update").first()
    assert entry is not None and entry.username == "city"
    assert entry.after["article"] == "第一百一十五条第一款"
    basis.sync()
    row.refresh_from_db()
    assert row.article == "第一百一十五条第一款" and row.verified  # never overwritten by the code's default


@pytest.mark.parametrize("role", ["district", "leader", "enterprise", "commissioner", "lawyer"])
def test_only_the_city_officer_edits(role, clients):
    row = LegalBasis.objects.get(key="fees.grace")
    assert clients[role].get("/basis/fees.grace/edit/").status_code == 404
    assert clients[role].post("/basis/fees.grace/edit/", _form(row, article="改")).status_code == 404
    row.refresh_from_db()
    assert row.article == "第一百一十五条" and not row.edited_by_office


def test_stale_or_missing_version_is_refused(clients):
    row = LegalBasis.objects.get(key="term.patent")
    stale = _form(row, article="第四十二条第二款")
    row.note = "他人在此期间修改"
    row.save()
    r = clients["city"].post("/basis/term.patent/edit/", stale)
    assert r.status_code == 200 and "保存失败" in r.content.decode()
    missing = _form(row, article="第四十二条第二款")
    del missing["_version"]
    r = clients["city"].post("/basis/term.patent/edit/", missing)
    assert r.status_code == 200 and "缺少版本信息" in r.content.decode()
    row.refresh_from_db()
    assert row.article == "第四十二条第一款" and not row.edited_by_office


def test_edit_form_escapes_what_an_officer_wrote(clients):
    row = LegalBasis.objects.get(key="stats.pct")
    r = clients["city"].post("/basis/stats.pct/edit/", _form(row, excerpt="<script>alert(1)</script>"))
    assert r.status_code == 302
    html = clients["enterprise"].get("/basis/stats.pct/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_menu_entry_for_officer_roles_only(clients):
    for role in ("city", "district", "leader"):
        assert 'href="/basis/"' in clients[role].get("/").content.decode(), role
    for role in ("enterprise", "commissioner", "lawyer"):
        assert 'href="/basis/"' not in clients[role].get("/").content.decode(), role


@pytest.mark.parametrize("role", ROLES)
def test_api_reads_by_key_and_id_and_never_writes(role, clients):
    client = clients[role]
    r = client.get("/api/basis/", {"page_size": 200})
    assert r.status_code == 200
    body = r.json()
    rows = body.get("results", body)
    assert {"fees.annual", "stats.valid_invention"} <= {row["key"] for row in rows}
    r = client.get("/api/basis/stats.valid_invention/")
    assert r.status_code == 200 and r.json()["article"] == "待核对" and r.json()["verified"] is False
    pk = LegalBasis.objects.get(key="stats.valid_invention").pk
    assert client.get(f"/api/basis/{pk}/").json()["key"] == "stats.valid_invention"
    r = client.patch("/api/basis/stats.valid_invention/", {"article": "x", "version": 1},
                     content_type="application/json")
    assert r.status_code in (403, 405)
    assert LegalBasis.objects.get(key="stats.valid_invention").article == "待核对"


def test_dashboard_figures_link_to_their_basis(clients):
    r = clients["leader"].get("/stats/dashboard/")
    if r.status_code == 404:
        from django.urls import reverse
        r = clients["leader"].get(reverse("stats:dashboard"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'href="/basis/stats.valid_invention/"' in html
    assert 'href="/basis/stats.per_10k/"' in html
