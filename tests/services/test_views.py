"""Every page and endpoint for every role: in scope it answers, out of scope it is a 404, leaders
cannot write, and bad input gets a Chinese message, never a 500."""
import datetime
import io

import pytest
from django.urls import reverse

from ipdesk.services import actions
from ipdesk.services.choices import RequestStatus
from ipdesk.services.models import CommissionerAssignment, ProblemLog, ServiceRequest, ServiceType
from tests.factories import PatentFactory, ProblemLogFactory

pytestmark = pytest.mark.django_db

ALL = ("city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader")


def status_by_role(clients, url, method="get", data=None):
    return {role: getattr(clients[role], method)(url, data or {}).status_code for role in ALL}


@pytest.fixture
def req(users, make_request):
    return make_request(users["enterprise"], title="本企业的申请")


@pytest.fixture
def foreign(other_enterprise, make_request):
    return make_request(other_enterprise["user"], other_enterprise["enterprise"], title="他人企业的申请")


def test_request_list_by_role_and_scope(clients, req, foreign):
    url = reverse("services:request_list")
    assert status_by_role(clients, url) == {"city": 200, "district": 200, "other_district": 200, "commissioner": 200,
                                            "enterprise": 404, "lawyer": 404, "leader": 200}
    assert "本企业的申请" in clients["commissioner"].get(url).content.decode()
    assert "他人企业的申请" not in clients["commissioner"].get(url).content.decode()
    assert "他人企业的申请" not in clients["district"].get(url).content.decode()
    body = clients["other_district"].get(url).content.decode()
    assert "他人企业的申请" in body and "本企业的申请" not in body
    city = clients["city"].get(url).content.decode()
    assert "本企业的申请" in city and "他人企业的申请" in city


def test_request_list_export_and_filters(clients, req):
    url = reverse("services:request_list")
    resp = clients["city"].get(url + "?export=xlsx")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook
    rows = list(load_workbook(io.BytesIO(resp.content)).active.values)
    assert rows[0][0] == "编号" and rows[1][4] == "本企业的申请"
    assert clients["city"].get(url + "?overdue=true").status_code == 200
    assert clients["city"].get(url + "?submitted_from=not-a-date").status_code == 200


def test_request_detail_by_role(clients, req, other_enterprise, client_for):
    url = reverse("services:request_detail", args=[req.pk])
    assert status_by_role(clients, url) == {"city": 200, "district": 200, "other_district": 404, "commissioner": 200,
                                            "enterprise": 200, "lawyer": 404, "leader": 200}
    assert client_for(other_enterprise["user"]).get(url).status_code == 404
    assert client_for(other_enterprise["commissioner"]).get(url).status_code == 404
    commissioner_page = clients["commissioner"].get(url).content.decode()
    assert 'data-testid="btn-accept"' in commissioner_page
    assert 'data-testid="btn-accept"' not in clients["enterprise"].get(url).content.decode()
    assert 'data-testid="btn-accept"' not in clients["leader"].get(url).content.decode()


def test_steps_over_http(clients, req, users):
    def step(role, name, **data):
        return clients[role].post(reverse("services:request_step", args=[req.pk, name]), data)

    assert step("leader", "accept").status_code == 404            # leaders cannot write
    assert step("other_district", "accept").status_code == 404
    assert step("lawyer", "accept").status_code == 404
    resp = step("enterprise", "accept")                           # in scope, wrong role: a message
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    assert step("commissioner", "accept", note="已收到").status_code == 302
    assert step("commissioner", "process").status_code == 302
    resp = clients["commissioner"].post(reverse("services:request_step", args=[req.pk, "complete"]), {"result": ""},
                                        follow=True)
    assert "办理结果" in resp.content.decode()                   # says what is missing
    req.refresh_from_db()
    assert req.status == RequestStatus.PROCESSING
    assert step("commissioner", "complete", result="已办结").status_code == 302
    resp = clients["enterprise"].post(reverse("services:request_step", args=[req.pk, "rate"]), {"rating": "9"},
                                      follow=True)
    assert "满意度" in resp.content.decode()
    assert step("enterprise", "rate", rating="4", comment="好").status_code == 302
    req.refresh_from_db()
    assert (req.status, req.rating) == (RequestStatus.RATED, 4)
    assert step("commissioner", "nonsense").status_code == 404
    assert step("enterprise", "comment", body="谢谢").status_code == 302
    assert req.comments.count() == 1


def test_attachment_upload_and_download_scoped(clients, req, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    settings.MEDIA_ROOT = tmp_path
    url = reverse("services:request_step", args=[req.pk, "attach"])
    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert clients["enterprise"].post(url, {"file": pdf}).status_code == 302
    exe = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00 definitely not a pdf", content_type="application/pdf")
    resp = clients["enterprise"].post(url, {"file": exe}, follow=True)
    assert "上传" in resp.content.decode() or "类型" in resp.content.decode()
    from ipdesk.core.models import Attachment
    att = Attachment.objects.get()
    dl = reverse("services:request_attachment", args=[req.pk, att.pk])
    assert clients["commissioner"].get(dl).status_code == 200
    assert clients["other_district"].get(dl).status_code == 404
    assert clients["lawyer"].get(dl).status_code == 404


def test_back_office_create_on_behalf(clients, users, stype, other_enterprise):
    url = reverse("services:request_add")
    assert status_by_role(clients, url) == {"city": 200, "district": 200, "other_district": 200, "commissioner": 200,
                                            "enterprise": 404, "lawyer": 404, "leader": 404}
    own = users["enterprise"].enterprise
    resp = clients["commissioner"].post(url, {"enterprise": own.pk, "service_type": stype.pk, "title": "代为提出"})
    assert resp.status_code == 302 and ServiceRequest.objects.filter(title="代为提出", enterprise=own).exists()
    resp = clients["commissioner"].post(url, {"enterprise": other_enterprise["enterprise"].pk,
                                              "service_type": stype.pk, "title": "越权"})
    assert resp.status_code == 200 and not ServiceRequest.objects.filter(title="越权").exists()
    assert "选择一个有效的选项" in resp.content.decode() or "有效" in resp.content.decode()


def test_portal_pages_for_the_enterprise_only(clients, req, foreign):
    for name in ("services:portal", "services:portal_new", "services:portal_assets"):
        codes = status_by_role(clients, reverse(name))
        assert codes == {"city": 404, "district": 404, "other_district": 404, "commissioner": 404,
                         "enterprise": 200, "lawyer": 404, "leader": 404}, name
    body = clients["enterprise"].get(reverse("services:portal")).content.decode()
    assert "本企业的申请" in body and "他人企业的申请" not in body


def test_portal_submit_with_attachment_and_bad_input(clients, users, stype, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    settings.MEDIA_ROOT = tmp_path
    url = reverse("services:portal_new")
    resp = clients["enterprise"].post(url, {"service_type": stype.pk, "title": ""})
    assert resp.status_code == 200 and "该字段是必填项" in resp.content.decode()
    bad = SimpleUploadedFile("说明.docx", b"plain text pretending to be docx")
    resp = clients["enterprise"].post(url, {"service_type": stype.pk, "title": "带附件", "attachment": bad})
    assert resp.status_code == 200 and not ServiceRequest.objects.filter(title="带附件").exists()  # nothing half-saved
    good = SimpleUploadedFile("说明.pdf", b"%PDF-1.7\n%%EOF\n")
    resp = clients["enterprise"].post(url, {"service_type": stype.pk, "title": "带附件", "attachment": good})
    req = ServiceRequest.objects.get(title="带附件")
    assert resp.status_code == 302 and req.enterprise == users["enterprise"].enterprise
    assert req.attachments.count() == 1


def test_portal_assets_show_only_own(clients, users, other_enterprise):
    from ipdesk.registry.models import Trademark
    own, other = users["enterprise"].enterprise, other_enterprise["enterprise"]
    PatentFactory(title="本企业专利", holder=own)
    PatentFactory(title="他人专利", holder=other)
    Trademark.objects.create(registration_no="12345678", name="本企业商标", nice_class=9, owner_name=own.name,
                             owner=own, region=own.region)
    Trademark.objects.create(registration_no="87654321", name="他人商标", nice_class=9, owner_name=other.name,
                             owner=other, region=other.region)
    body = clients["enterprise"].get(reverse("services:portal_assets")).content.decode()
    assert "本企业专利" in body and "本企业商标" in body
    assert "他人专利" not in body and "他人商标" not in body


def test_workbench_lists_own_enterprises_and_due_items(clients, users, req, foreign, other_enterprise, make_request):
    late = make_request(users["enterprise"], title="早已超期", at=datetime.datetime(2024, 1, 2, 9,
                                                                               tzinfo=datetime.timezone.utc))
    url = reverse("services:workbench")
    assert status_by_role(clients, url) == {"city": 404, "district": 404, "other_district": 404, "commissioner": 200,
                                            "enterprise": 404, "lawyer": 404, "leader": 404}
    resp = clients["commissioner"].get(url)
    body = resp.content.decode()
    assert users["enterprise"].enterprise.name in body and other_enterprise["enterprise"].name not in body
    assert "他人企业的申请" not in body
    assert [r.pk for r in resp.context["overdue"]] == [late.pk]
    assert {r.pk for r in resp.context["open_requests"]} == {req.pk, late.pk}


def test_figures_page(clients, req):
    url = reverse("services:figures")
    assert status_by_role(clients, url) == {"city": 200, "district": 200, "other_district": 200, "commissioner": 200,
                                            "enterprise": 404, "lawyer": 404, "leader": 200}
    assert clients["city"].get(url).context["figures"]["service_requests"] == 1
    assert clients["other_district"].get(url).context["figures"]["service_requests"] == 0
    resp = clients["city"].get(url + "?start=2024-13-01")
    assert resp.status_code == 200 and "日期格式不正确" in resp.content.decode()
    resp = clients["city"].get(url + "?start=2025-01-01&end=2024-01-01")
    assert "起始日期晚于截止日期" in resp.content.decode()


def test_assignment_pages(clients, users, make_enterprise):
    ent = make_enterprise("新分配科技有限公司", "370403")
    url = reverse("services:assignment_list")
    assert status_by_role(clients, url) == {"city": 200, "district": 200, "other_district": 200, "commissioner": 200,
                                            "enterprise": 404, "lawyer": 404, "leader": 200}
    assign = reverse("services:assign", args=[ent.pk])
    assert status_by_role(clients, assign) == {"city": 200, "district": 200, "other_district": 404,
                                               "commissioner": 404, "enterprise": 404, "lawyer": 404, "leader": 404}
    resp = clients["district"].post(assign, {"commissioner": users["commissioner"].pk, "reason": "试点"})
    assert resp.status_code == 302
    ent.refresh_from_db()
    assert ent.commissioner == users["commissioner"]
    resp = clients["district"].post(assign, {"commissioner": users["commissioner"].pk})
    assert resp.status_code == 200 and "已是该企业的服务专员" in resp.content.decode()
    assert CommissionerAssignment.objects.filter(enterprise=ent).count() == 1
    pick = clients["city"].get(reverse("services:assign_pick") + f"?enterprise={ent.pk}")
    assert pick.status_code == 302 and pick["Location"] == assign
    assert clients["city"].get(reverse("services:assign_pick") + "?enterprise=x").status_code == 302
    body = clients["commissioner"].get(url).content.decode()
    assert ent.name in body


def test_problem_log_pages(clients, users, other_enterprise):
    own = users["enterprise"].enterprise
    theirs = ProblemLogFactory(enterprise=other_enterprise["enterprise"], category="pledge", description="他人问题")
    url = reverse("services:problemlog_list")
    assert status_by_role(clients, url)["enterprise"] == 404
    assert status_by_role(clients, url)["leader"] == 200
    add = reverse("services:problemlog_add")
    codes = status_by_role(clients, add)
    assert codes["commissioner"] == 200 and codes["city"] == 200 and codes["leader"] == 404
    resp = clients["commissioner"].post(add, {"enterprise": own.pk, "category": "pledge", "description": "融资难",
                                              "raised_on": "2024-03-01", "status": "solved", "resolution": "",
                                              "solved_on": ""})
    assert resp.status_code == 200 and "请填写解决日期" in resp.content.decode()
    resp = clients["commissioner"].post(add, {"enterprise": own.pk, "category": "pledge", "description": "融资难",
                                              "raised_on": "2024-03-01", "status": "solved", "resolution": "已对接银行",
                                              "solved_on": "2024-03-09"})
    assert resp.status_code == 302 and ProblemLog.objects.filter(enterprise=own, status="solved").exists()
    assert clients["commissioner"].get(reverse("services:problemlog_detail", args=[theirs.pk])).status_code == 404
    counts = clients["city"].get(reverse("services:problem_counts"))
    assert counts.status_code == 200 and {r["enterprise"] for r in counts.context["rows"]} == {own.pk, theirs.enterprise_id}
    counts = clients["commissioner"].get(reverse("services:problem_counts"))
    assert [r["enterprise"] for r in counts.context["rows"]] == [own.pk]
    assert clients["enterprise"].get(reverse("services:problem_counts")).status_code == 404


def test_service_types_only_the_city_edits(clients, stype):
    assert clients["district"].get(reverse("services:servicetype_list")).status_code == 200
    assert clients["district"].get(reverse("services:servicetype_add")).status_code == 404
    edit = reverse("services:servicetype_edit", args=[stype.pk])
    assert clients["leader"].get(edit).status_code == 404
    resp = clients["city"].post(edit, {"code": stype.code, "name": stype.name, "promised_days": 40, "former_days": 30,
                                       "day_unit": "workday", "sort_order": 0, "is_active": "on", "_version": stype.version})
    assert resp.status_code == 200 and "承诺时限不应长于原时限" in resp.content.decode()
    resp = clients["city"].post(edit, {"code": stype.code, "name": stype.name, "promised_days": 3, "former_days": 30,
                                       "day_unit": "workday", "sort_order": 0, "is_active": "on", "_version": stype.version})
    assert resp.status_code == 302
    stype.refresh_from_db()
    assert stype.promised_days == 3


# ---- API ------------------------------------------------------------------------------------

def test_api_lists_only_scope(clients, req, foreign):
    url = "/api/service-requests/"
    titles = lambda role: {r["title"] for r in clients[role].get(url).json()["results"]}  # noqa: E731
    assert titles("enterprise") == {"本企业的申请"}
    assert titles("commissioner") == {"本企业的申请"}
    assert titles("district") == {"本企业的申请"}
    assert titles("other_district") == {"他人企业的申请"}
    assert titles("city") == {"本企业的申请", "他人企业的申请"}
    assert clients["lawyer"].get(url).status_code == 403    # no role path to requests at all
    assert clients["enterprise"].get(f"{url}{foreign.pk}/").status_code == 404


def test_api_lifecycle_and_refusals(clients, users, stype):
    url = "/api/service-requests/"
    resp = clients["enterprise"].post(url, {"service_type": stype.pk, "title": "接口提出"}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert clients["leader"].post(f"{url}{pk}/accept/", {}, content_type="application/json").status_code in (403, 404)
    resp = clients["commissioner"].post(f"{url}{pk}/complete/", {"result": "x"}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "services_invalid_transition"
    assert "已提出" in resp.json()["message"] and resp.json()["non_field_errors"] == [resp.json()["message"]]
    resp = clients["enterprise"].post(f"{url}{pk}/accept/", {}, content_type="application/json")
    assert resp.status_code == 403 and resp.json()["code"] == "services_not_handler"
    for step, data in (("accept", {}), ("process", {}), ("complete", {"result": "已办结"})):
        resp = clients["commissioner"].post(f"{url}{pk}/{step}/", data, content_type="application/json")
        assert resp.status_code == 200, (step, resp.content)
    resp = clients["enterprise"].post(f"{url}{pk}/rate/", {"rating": 5}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "rated"
    assert [e["kind"] for e in resp.json()["events"]] == ["submitted", "accepted", "processing", "completed", "rated"]
    assert clients["other_district"].post(f"{url}{pk}/comment/", {"body": "x"},
                                          content_type="application/json").status_code == 404


def test_api_types_problems_assignments(clients, users, stype):
    resp = clients["enterprise"].get("/api/service-types/")
    assert resp.status_code == 200 and resp.json()["count"] == 1
    assert clients["district"].patch(f"/api/service-types/{stype.pk}/", {"promised_days": 2, "version": stype.version},
                                     content_type="application/json").status_code in (403, 404)
    resp = clients["city"].patch(f"/api/service-types/{stype.pk}/", {"promised_days": 99, "version": stype.version},
                                 content_type="application/json")
    assert resp.status_code == 400 and "原时限" in str(resp.json())
    own = users["enterprise"].enterprise
    resp = clients["commissioner"].post("/api/service-problems/", {"enterprise": own.pk, "category": "pledge",
                                                                   "description": "融资", "raised_on": "2024-01-02"},
                                        content_type="application/json")
    assert resp.status_code == 201, resp.content
    resp = clients["commissioner"].post("/api/service-problems/", {"enterprise": own.pk, "category": "pledge",
                                                                   "description": "融资", "raised_on": "2024-01-02",
                                                                   "status": "solved"},
                                        content_type="application/json")
    assert resp.status_code == 400 and "解决日期" in str(resp.json())
    assert clients["leader"].post("/api/service-problems/", {}, content_type="application/json").status_code == 403
    assert clients["enterprise"].get("/api/service-problems/").json()["count"] == 1
    actions.assign_commissioner(own, None, users["city"], "测试取消")
    assert clients["city"].get("/api/commissioner-assignments/").json()["count"] == 1
    assert clients["other_district"].get("/api/commissioner-assignments/").json()["count"] == 0


def test_services_home_sends_each_role_to_its_page(clients):
    assert clients["enterprise"].get("/services/")["Location"] == reverse("services:portal")
    assert clients["commissioner"].get("/services/")["Location"] == reverse("services:workbench")
    assert clients["district"].get("/services/")["Location"] == reverse("services:request_list")
    assert clients["lawyer"].get("/services/").status_code == 404


def test_figures_reach_ipdesk_indicators(users, make_request):
    import json

    from django.core.management import call_command
    make_request(users["enterprise"], at=datetime.datetime(2024, 5, 6, 2, tzinfo=datetime.timezone.utc))
    out = io.StringIO()
    call_command("indicators", "--region", "370403", "--as-of", "2024-12-31", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["service_requests"] == 1 and figures["service_enterprises_served"] == 1
    assert figures["service_requests_completed"] == 0 and figures["zjtx_problems_solved"] == 0


def test_portal_shows_own_reminders_and_links_the_assistance_application(clients, users, other_enterprise):
    from ipdesk.core.models import Notification
    Notification.objects.create(recipient=users["enterprise"], kind="annual_fee", title="年费提醒：本企业专利",
                                dedupe_key="t1")
    Notification.objects.create(recipient=other_enterprise["user"], kind="annual_fee", title="年费提醒：他人专利",
                                dedupe_key="t2")
    for name in ("services:portal", "services:portal_assets"):
        body = clients["enterprise"].get(reverse(name)).content.decode()
        assert "年费提醒：本企业专利" in body and "年费提醒：他人专利" not in body, name
    from ipdesk.services.views import assistance_url
    body = clients["enterprise"].get(reverse("services:portal")).content.decode()
    assert (assistance_url() is not None) == ('data-testid="portal-assistance"' in body)
