"""Every registry page for every role: in scope 200, out of scope 404, leaders and others cannot write."""
import datetime as dt

import pytest

from ipdesk.registry.models import Enterprise, EnterpriseNameHistory, Patent
from ipdesk.registry.rules import _app_check

ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]
# Who reaches the records of 薛城区's own enterprise (own) and of 滕州市's (other).
SEES_OWN = {"city", "district", "commissioner", "enterprise", "leader"}
SEES_OTHER = {"city", "other_district", "leader"}
WRITERS = {"city", "district", "other_district"}
LISTS = ["/registry/enterprises/", "/registry/patents/", "/registry/events/", "/registry/trademarks/",
         "/registry/gi-products/", "/registry/cultivation/", "/registry/contacts/"]
GI_VIEWERS = {"city", "district", "other_district", "leader"}  # GI products are scoped by region only


@pytest.mark.parametrize("role", ROLES)
def test_lists_answer_in_scope_or_404(role, clients, registry):
    for url in LISTS:
        response = clients[role].get(url)
        if role == "lawyer" or (url == "/registry/gi-products/" and role not in GI_VIEWERS):
            assert response.status_code == 404, url
        else:
            assert response.status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_respect_scope(role, clients, registry):
    for key, sees in (("own", SEES_OWN), ("other", SEES_OTHER)):
        for thing in ("", "_patent", "_event", "_trademark", "_contact", "_cultivation"):
            obj = registry[f"{key}{thing}"]
            response = clients[role].get(obj.get_absolute_url())
            assert response.status_code == (200 if role in sees else 404), (key, thing, obj.get_absolute_url())


@pytest.mark.parametrize("role", ROLES)
def test_write_pages_only_for_officers_in_scope(role, clients, registry):
    own, other = registry["own"], registry["other"]
    for url in ("/registry/enterprises/add/", "/registry/patents/add/", "/registry/trademarks/add/",
                "/import/patents/", "/registry/patents/import/", "/registry/owners/unmatched/"):
        assert clients[role].get(url).status_code == (200 if role in WRITERS else 404), url
    edit_own = clients[role].get(f"/registry/enterprises/{own.pk}/edit/").status_code
    edit_other = clients[role].get(f"/registry/enterprises/{other.pk}/edit/").status_code
    assert edit_own == (200 if role in {"city", "district"} else 404)
    assert edit_other == (200 if role in {"city", "other_district"} else 404)


def test_leader_cannot_post(clients, registry):
    p = registry["own_patent"]
    assert clients["leader"].post(f"/registry/patents/{p.pk}/events/add/",
                                  {"kind": "lapse", "date": "2022-01-01"}).status_code == 404
    assert clients["leader"].post(f"/registry/enterprises/{registry['own'].pk}/edit/", {"name": "x"}).status_code == 404
    assert Patent.objects.get(pk=p.pk).legal_status == "valid"


def test_enterprise_page_counts_assets_and_shows_fees_commissioner_and_masked_contacts(clients, registry, users):
    own = registry["own"]
    page = clients["commissioner"].get(own.get_absolute_url()).content.decode()
    assert 'data-testid="patent-counts"' in page and "全部 1 件" in page
    assert users["commissioner"].display_name in page
    assert "139****5678" in page and "13912345678" not in page   # the commissioner sees the phone masked
    assert 'data-testid="fee-schedule"' in page and registry["own_patent"].application_no in page
    officer = clients["district"].get(own.get_absolute_url()).content.decode()
    assert "13912345678" in officer


def test_contact_list_and_export_mask_personal_data_except_for_officers(clients, registry):
    assert "139****5678" in clients["enterprise"].get("/registry/contacts/").content.decode()
    assert "13912345678" in clients["district"].get("/registry/contacts/").content.decode()
    body = b"".join(clients["enterprise"].get("/registry/contacts/?export=csv").streaming_content).decode("utf-8-sig")
    assert "139****5678" in body and "370402********1234" in body and "13912345678" not in body


def test_search_finds_chinese_substrings_and_numbers_in_scope(clients, registry):
    page = clients["district"].get("/registry/search/", {"q": "锂电池"}).content.decode()
    assert registry["own_patent"].application_no in page and registry["other_patent"].application_no not in page
    page = clients["city"].get("/registry/search/", {"q": "ZL201310699744.2"}).content.decode()
    assert registry["other_patent"].title in page
    page = clients["city"].get("/registry/search/", {"q": "滕州其他"}).content.decode()
    assert registry["other"].uscc in page
    page = clients["city"].get("/registry/search/", {"q": "2017106"}).content.decode()
    assert registry["own_patent"].title in page
    page = clients["lawyer"].get("/registry/search/", {"q": "锂电池"}).content.decode()
    assert registry["own_patent"].application_no not in page


def test_search_by_number_without_check_digit_and_capped_counts(clients, registry, monkeypatch):
    # a whole number typed without its check digit is looked up exactly, in scope
    r = clients["city"].get("/registry/search/", {"q": "ZL 201310699744"})
    assert [p.pk for p in r.context["patents"]["items"]] == [registry["other_patent"].pk]
    r = clients["district"].get("/registry/search/", {"q": "201310699744"})
    assert r.context["patents"]["count"] == 0
    # a keyword matching more than the cap is answered "cap+" (the list page counts them all)
    monkeypatch.setattr("ipdesk.registry.filters.SEARCH_COUNT_CAP", 1)
    r = clients["city"].get("/registry/search/", {"q": "锂电池"})
    assert r.context["patents"]["count"] == 1 and r.context["patents"]["more"]
    assert len(r.context["patents"]["items"]) == 2
    assert 'data-testid="patent-count">1+</small>' in r.content.decode()
    api = clients["city"].get("/api/search/", {"q": "锂电池"}).json()["patents"]
    assert api["count"] == 1 and api["more"] is True and len(api["results"]) == 2


def test_list_filters_and_export_follow_the_filter(clients, registry):
    page = clients["city"].get("/registry/patents/", {"region": "370481"}).content.decode()
    assert registry["other_patent"].application_no in page and registry["own_patent"].application_no not in page
    body = b"".join(clients["city"].get("/registry/patents/?q=滕州&export=csv").streaming_content).decode("utf-8-sig")
    assert registry["other_patent"].application_no in body and registry["own_patent"].application_no not in body
    assert clients["city"].get("/registry/enterprises/", {"tag": "专精特新"}).status_code == 200


def test_officer_resolves_an_unmatched_owner(clients, registry):
    page = clients["district"].get("/registry/owners/unmatched/").content.decode()
    assert "薛城未登记有限公司" in page
    # 滕州's enterprise is out of the 薛城 officer's scope: refused
    response = clients["district"].post("/registry/owners/unmatched/", {"holder_name": "薛城未登记有限公司",
                                                                        "enterprise": registry["other"].pk})
    assert response.status_code == 200 and Patent.objects.get(pk=registry["unmatched"].pk).holder is None
    response = clients["district"].post("/registry/owners/unmatched/", {"holder_name": "薛城未登记有限公司",
                                                                        "enterprise": registry["own"].pk})
    assert response.status_code == 302
    assert Patent.objects.get(pk=registry["unmatched"].pk).holder_id == registry["own"].pk
    assert EnterpriseNameHistory.objects.filter(enterprise=registry["own"], name="薛城未登记有限公司").exists()


def test_officer_records_a_lapse_event(clients, registry):
    p = registry["own_patent"]
    response = clients["district"].post(f"/registry/patents/{p.pk}/events/add/", {"kind": "lapse", "date": "2022-03-01"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.legal_status == "lapsed" and str(p.lapse_date) == "2022-03-01"
    # a date before filing is refused with a reason, nothing saved
    clients["district"].post(f"/registry/patents/{p.pk}/events/add/", {"kind": "restoration", "date": "2001-01-01"})
    p.refresh_from_db()
    assert p.legal_status == "lapsed"
    assert clients["other_district"].post(f"/registry/patents/{p.pk}/events/add/",
                                          {"kind": "lapse", "date": "2022-03-01"}).status_code == 404


def test_enterprise_form_rejects_a_bad_credit_code(clients, regions):
    response = clients["city"].post("/registry/enterprises/add/", {"uscc": "91350203M0001QAY9B", "name": "某公司",
                                                                   "region": regions["370403"].pk})
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    assert not Enterprise.objects.filter(name="某公司").exists()


def test_patent_form_normalises_the_number(clients, regions):
    response = clients["city"].post("/registry/patents/add/", {
        "application_no": "ZL 2017 1 0601862.3", "title": "一种装置", "applicants": "甲公司", "region": regions["370403"].pk,
        "filing_date": "2017-08-01", "legal_status": "pending"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Patent.objects.get().application_no == "201710601862.3"
    response = clients["city"].post("/registry/patents/add/", {
        "application_no": "202210123456.7", "title": "坏号", "applicants": "甲公司", "legal_status": "pending"})
    assert "校验位应为 1" in response.content.decode()


def test_import_page_upload_runs_the_job_and_shows_rejected_rows(clients, users, regions,
                                                                django_capture_on_commit_callbacks):
    from ipdesk.core.models import Job
    content = ("申请号,名称,申请人,申请人地址\n201710601862.3,甲,甲公司,山东省枣庄市薛城区\n"
               "202210123456.7,乙,乙公司,山东省枣庄市薛城区\n").encode("gb18030")
    from django.core.files.uploadedfile import SimpleUploadedFile
    page = clients["district"].get("/registry/patents/import/").content.decode()
    assert "申请(专利权)人" in page  # the accepted aliases are listed
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["district"].post("/registry/patents/import/",
                                            {"file": SimpleUploadedFile("p.csv", content, "text/csv")})
    assert response.status_code == 302
    job = Job.objects.get(kind="import")
    page = clients["district"].get(response["Location"]).content.decode()
    assert "拒绝 1 行" in page and "校验位应为 1" in page and Patent.objects.count() == 0
    download = clients["district"].get(f"/import/jobs/{job.pk}/rejected.csv")
    assert "202210123456.7" in b"".join(download.streaming_content).decode("utf-8-sig")
    assert clients["other_district"].get(f"/import/jobs/{job.pk}/").status_code == 404
    assert clients["other_district"].get(f"/import/jobs/{job.pk}/rejected.csv").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        clients["district"].post("/registry/patents/import/",
                                 {"file": SimpleUploadedFile("p.csv", content, "text/csv"), "keep_good": "on"})
    assert Patent.objects.count() == 1
    bad = clients["district"].post("/registry/patents/import/",
                                   {"file": SimpleUploadedFile("p.pdf", b"%PDF-1.4", "application/pdf")})
    assert bad.status_code == 400 and "PDF 文件，不是表格" in bad.content.decode()


def test_contact_numbers_are_encrypted_at_rest(registry):
    from django.db import connection
    contact = registry["own_contact"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM registry_contact WHERE id = %s", [contact.pk])
        phone, id_number = cursor.fetchone()
    assert phone.startswith("gAAAA") and "13912345678" not in phone and "1234" not in id_number
    from ipdesk.registry.models import Contact
    assert Contact.objects.get(pk=contact.pk).phone == "13912345678"


def test_enterprise_page_shows_tag_labels(clients, registry):
    own = registry["own"]
    own.tags = ["zjtx", "nat_demo"]
    own.save()
    page = clients["city"].get(own.get_absolute_url()).content.decode()
    assert "<td>专精特新、国家知识产权示范企业</td>" in page


def test_first_matches_are_the_list_order_counted_in_the_same_pass(registry, regions):
    from ipdesk.registry.filters import first_matches
    for i in range(12):
        body = f"2019{1 + i % 3}{i:07d}"
        Patent.objects.create(application_no=f"{body}.{_app_check(body)}", patent_type="utility",
                              title=f"锂电池外壳{i}", holder_name="某公司", region=regions["370403"],
                              filing_date=dt.date(2019, 1 + i % 4, 1))   # ties on the date: the number decides
    qs = Patent.objects.filter(title__contains="锂电池").order_by("-filing_date", "application_no")
    expected = list(qs.values_list("pk", flat=True))
    assert len(expected) == 14
    for shown, cap, count, more in ((5, 100, 14, False), (5, 14, 14, False), (5, 13, 13, True), (20, 3, 3, True)):
        found = first_matches(qs, shown, cap=cap)
        assert [p.pk for p in found["items"]] == expected[:shown]
        assert (found["count"], found["more"]) == (count, more)
    assert first_matches(qs.filter(title="无此专利"), 5) == {"count": 0, "more": False, "items": []}
