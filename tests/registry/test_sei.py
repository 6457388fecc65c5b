"""Strategic emerging industries by IPC (issue 16 item 3): CNIPA's 2021 concordance table
(国知办函规字〔2021〕121号, transcribed copy in registry/data/sei-ipc-2021.csv), worked examples."""
import datetime as dt

import pytest

from ipdesk.registry import sei

RULES = sei.load_rules()
D = dt.date


def branch(codes, title="", abstract=""):
    m = sei.classify(codes, title, abstract, RULES)
    return m and m.branch_no


def test_the_shipped_table_is_the_shared_one_with_its_40_branches():
    assert len(RULES) == 303
    assert len({r.branch_no for r in RULES}) == 40
    assert len({r.top_category for r in RULES}) == 9


@pytest.mark.parametrize("raw, code", [
    ("G06F 21/60", "G06F21/60"), ("G06F21/60(2013.01)I", "G06F21/60"), ("ｇ06ｆ 21/60", "G06F21/60"),
    ("H03M13", "H03M13"), ("G16H", "G16H"), ("no code", ""), ("", "")])
def test_ipc_codes_are_normalised(raw, code):
    assert sei.normalize_ipc(raw) == code


def test_ipc_patterns_match_by_level_not_by_string_prefix():
    assert sei.ipc_matches("G06F21/60", "G06F21*")
    assert sei.ipc_matches("G06F1/16", "G06F1*")
    assert not sei.ipc_matches("G06F12/00", "G06F1*")        # group 12 is not under group 1
    assert sei.ipc_matches("H03M13/11", "H03M13")             # no * and no /: the same as *
    assert sei.ipc_matches("G16H50/20", "G16*")               # a class pattern covers its subclasses
    assert sei.ipc_matches("G06N3/08", "G06N3/08")
    assert not sei.ipc_matches("G06N3/084", "G06N3/08")       # a subgroup without *: that subgroup only
    assert not sei.ipc_matches("G06N3/08", "G06N3/04")


def test_an_ipc_only_rule_classifies_by_the_code_alone():
    # 1.5 人工智能, rule 1: G06F40* (no keywords)
    m = sei.classify("G06F 40/30(2020.01)I", "一种文本分类方法", "", RULES)
    assert (m.branch_no, m.branch_name, m.rule_no, m.keyword) == ("1.5", "人工智能", 1, "")
    assert m.label == "1.5 人工智能" and "G06F40*" in m.evidence
    # 6.3 太阳能产业, rule 1: H02J7/35
    assert branch("H02J 7/35") == "6.3"


def test_a_keyword_rule_needs_the_keyword_in_title_or_abstract():
    # 1.5 rule 6: G06N3/08 with keywords (…计算机视听觉软件、生物特征识别软件等应用软件开发)
    assert branch("G06N 3/08", "一种图像分类方法") is None
    m = sei.classify("G06N 3/08", "一种身份认证方法", "利用生物特征识别对用户进行认证。", RULES)
    assert (m.branch_no, m.rule_no, m.keyword) == ("1.5", 6, "生物特征识别")
    # 1.3 rule 4: H04L9* with 区块链 keywords
    assert branch("H04L 9/32", "基于区块链的数据存证方法") == "1.3"
    assert branch("H04L 9/32", "一种数据加密方法") is None


def test_exclusions_win():
    # 1.1 rule 1 covers G06F21* but excludes G06F21/60; 1.4 rule 2 lists G06F21/60 with keywords only
    assert branch("G06F 21/55", "一种计算机和辅助设备修理方法") == "1.1"
    assert branch("G06F 21/60", "一种计算机和辅助设备修理方法") is None
    # 3.4 rule 1: C01B32* except C01B32/15 …
    assert branch("C01B 32/184") == "3.4"
    assert branch("C01B 32/15") != "3.4"


def test_negative_note_keywords_exclude():
    terms, negative = sei.keyword_terms(["插电式混合驱动、纯电驱动", "不包含非机动车"])
    assert "非机动车" in negative and "纯电驱动" in terms
    assert sei.keyword_hit(["纯电驱动汽车", "不包含非机动车"], "一种纯电驱动汽车的非机动车") is None
    assert sei.keyword_hit(["纯电驱动汽车", "不包含非机动车"], "一种纯电驱动汽车") == "纯电驱动汽车"


def test_no_code_no_branch_and_an_unrelated_code_none():
    assert branch("", "人工智能") is None
    assert branch("A63G 31/00", "一种游乐设施") is None


def test_the_officers_classification_names_a_branch_or_is_information():
    m = sei.match_for("A63G 31/00", "一种游乐设施", "", "1.5 人工智能", RULES)
    assert m.branch_no == "1.5" and "人工认定" in m.evidence
    # a top category (as some sources write it) names no branch: the IPC decides
    assert sei.match_for("A63G 31/00", "一种游乐设施", "", "新一代信息技术产业", RULES) is None
    assert sei.match_for("G06F 40/30", "x", "", "新一代信息技术产业", RULES).branch_no == "1.5"


# ---- database: the table as reference data, the patent's field, reclassification --------------------
@pytest.fixture
def patent(regions, make_enterprise):
    from ipdesk.registry.models import Patent
    from ipdesk.registry.rules import _app_check
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        body = f"2020100{counter['n']:05d}"
        fields.setdefault("holder_name", "测试企业")
        return Patent.objects.create(application_no=f"{body}.{_app_check(body)}", patent_type="invention",
                                     title=fields.pop("title", "一种装置"), region=regions["370403"], **fields)
    return make


@pytest.mark.django_db
def test_the_migration_loads_the_table_and_a_saved_patent_gets_its_branch(patent):
    from ipdesk.registry.models import SeiRule
    assert SeiRule.objects.count() == 303
    assert SeiRule.objects.filter(ipc_only=True).count() == sum(r["ipc_only"] for r in sei.read_rows()) == 15
    p = patent(ipc_main="G06F 40/30", title="一种文本分类方法")
    assert (p.sei_branch, p.sei_branch_name, p.sei_label) == ("1.5", "人工智能", "1.5 人工智能")
    p.ipc_main = "A63G 31/00"
    p.save(update_fields=["ipc_main"])
    p.refresh_from_db()
    assert p.sei_branch == "" and p.sei_evidence == ""


@pytest.mark.django_db
def test_a_strategic_holder_chain_does_not_make_a_patent_strategic(patent, make_enterprise, regions):
    from ipdesk.regions.models import IndustryChain
    chain = IndustryChain.objects.create(code="AI", name="人工智能", strategic_emerging=True)
    firm = make_enterprise(industry_chain=chain)
    p = patent(holder=firm, ipc_main="A63G 31/00", title="一种游乐设施", grant_date=D(2020, 1, 1),
               filing_date=D(2018, 1, 1), legal_status="valid")
    assert p.sei_branch == ""
    from ipdesk.stats import indicators
    from ipdesk.stats.models import PatentInterval
    city = regions["370400"]
    f = indicators.patent_figures([city], D(2022, 1, 1), D(2022, 12, 31))[city.pk]
    assert f["valid_invention_patents"] == 1 and f["high_value_strategic"] == 0
    assert PatentInterval.objects.get(patent=p).strategic is False


@pytest.mark.django_db
def test_editing_the_table_reclassifies_the_patents_it_touches(patent, django_capture_on_commit_callbacks):
    from ipdesk.registry.models import SeiRule
    p = patent(ipc_main="A63G 31/00", title="一种游乐设施")
    other = patent(ipc_main="G06F 40/30", title="一种文本分类方法")
    assert p.sei_branch == ""
    rule = SeiRule.objects.get(branch_no="8.2", rule_no=1)
    with django_capture_on_commit_callbacks(execute=True):
        rule.ipc_patterns += ";A63G31*"
        rule.keywords = ""
        rule.save()
    p.refresh_from_db()
    other.refresh_from_db()
    assert p.sei_branch == "8.2" and other.sei_branch == "1.5"
    with django_capture_on_commit_callbacks(execute=True):
        rule.active = False
        rule.save()
    p.refresh_from_db()
    assert p.sei_branch == ""


@pytest.mark.django_db
def test_reclassify_command(patent):
    from io import StringIO

    from django.core.management import call_command

    from ipdesk.registry.models import Patent
    p = patent(ipc_main="G06F 40/30", title="一种文本分类方法")
    Patent.objects.filter(pk=p.pk).update(sei_branch="", sei_branch_name="", sei_evidence="")
    out = StringIO()
    call_command("reclassify_sei", stdout=out)
    p.refresh_from_db()
    assert p.sei_branch == "1.5" and "1" in out.getvalue()


@pytest.mark.django_db
def test_the_table_pages_and_api_staff_read_city_officers_edit(clients):
    from ipdesk.registry.models import SeiRule
    rule = SeiRule.objects.get(branch_no="1.5", rule_no=1)
    assert clients["leader"].get("/registry/sei-rules/").status_code == 200
    assert "G06F40*" in clients["city"].get(f"/registry/sei-rules/{rule.pk}/").content.decode()
    r = clients["leader"].get("/api/sei-rules/", {"branch_no": "1.5"})
    assert r.status_code == 200
    rows = r.json()["results"] if "results" in r.json() else r.json()
    assert len(rows) == 7 and rows[0]["branch_name"] == "人工智能"
    assert clients["enterprise"].get(f"/api/sei-rules/{rule.pk}/").status_code == 404
    body = {"keywords": "人工智能", "version": rule.version}
    assert clients["leader"].patch(f"/api/sei-rules/{rule.pk}/", body, content_type="application/json").status_code == 403
    assert clients["city"].patch(f"/api/sei-rules/{rule.pk}/", body, content_type="application/json").status_code == 200
    rule.refresh_from_db()
    assert rule.keywords == "人工智能" and rule.ipc_only is False
