"""Every page for every role: lists, case pages, step buttons, the enterprise's application,
printable summaries, documents and figures; out of scope is 404 and leaders never write."""
import datetime

import pytest

from ipdesk.protection import actions
from tests.factories import CooperationCaseFactory

D = datetime.date
ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]

LIST_PAGES = {
    # page: roles that may open it (others get 404)
    "/protection/assistance/": {"city", "district", "other_district", "enterprise", "lawyer", "leader"},
    "/protection/adjudications/": {"city", "district", "other_district", "enterprise", "leader"},
    "/protection/cooperation/": {"city", "district", "other_district", "enterprise", "leader"},
    "/protection/stations/": set(ROLES),
    "/protection/station-services/": set(ROLES),
    "/protection/calendar/": set(ROLES),
    "/protection/time-limits/": set(ROLES),
    "/protection/templates/": set(ROLES),
    "/protection/figures/": set(ROLES),
}


@pytest.mark.parametrize("url,allowed", list(LIST_PAGES.items()))
def test_list_pages_for_every_role(clients, url, allowed):
    for role in ROLES:
        response = clients[role].get(url)
        assert response.status_code == (200 if role in allowed else 404), (role, url, response.status_code)


def test_adjudication_page_scope(clients, adjudication, other_adjudication):
    url = f"/protection/adjudications/{adjudication.pk}/"
    expected = {"city": 200, "district": 200, "other_district": 404, "commissioner": 404, "enterprise": 200,
                "lawyer": 404, "leader": 200}
    for role, code in expected.items():
        assert clients[role].get(url).status_code == code, role
        assert clients[role].get(url + "print/").status_code == code, role
    other = f"/protection/adjudications/{other_adjudication.pk}/"
    assert clients["other_district"].get(other).status_code == 200
    assert clients["district"].get(other).status_code == 404
    assert clients["enterprise"].get(other).status_code == 404


def test_list_shows_the_closure_limit(clients, adjudication, users, panel):
    actions.transition(adjudication, "filed", users["district"], date=D(2024, 5, 21), handlers=[p.pk for p in panel[:3]])
    page = clients["district"].get("/protection/adjudications/").content.decode()
    assert "2024-08-21" in page and "已超期" in page  # filed 2024-05-21, never closed


def test_lists_show_only_cases_in_scope(clients, adjudication, other_adjudication):
    page = clients["district"].get("/protection/adjudications/").content.decode()
    assert adjudication.number in page and other_adjudication.number not in page
    page = clients["city"].get("/protection/adjudications/").content.decode()
    assert adjudication.number in page and other_adjudication.number in page
    export = b"".join(clients["district"].get("/protection/adjudications/?export=csv").streaming_content).decode()
    assert adjudication.number in export and other_adjudication.number not in export


def test_lawyers_see_only_assigned_cases(clients, users, assistance):
    url = f"/protection/assistance/{assistance.pk}/"
    assert clients["lawyer"].get(url).status_code == 404
    assert assistance.number not in clients["lawyer"].get("/protection/assistance/").content.decode()
    actions.transition(assistance, "handling", users["district"], handler=users["lawyer"].pk, date=D(2024, 5, 7))
    assert clients["lawyer"].get(url).status_code == 200
    assert assistance.number in clients["lawyer"].get("/protection/assistance/").content.decode()
    # The lawyer works the case with the step buttons …
    response = clients["lawyer"].post(url + "act/service/", {"kind": "opinion", "description": "意见", "date": "2024-05-09"})
    assert response.status_code == 302 and assistance.services.count() == 1
    # … but may not hand it to somebody else, and may not edit its record.
    response = clients["lawyer"].post(url + "act/handling/", {"handler": users["district"].pk, "date": "2024-05-10"},
                                      follow=True)
    assert "超出您的数据权限范围" in response.content.decode()
    assistance.refresh_from_db()
    assert assistance.handler == users["lawyer"]
    assert clients["lawyer"].get(url + "edit/").status_code == 404


def test_ui_carries_a_case_from_request_to_service(clients, adjudication, panel):
    c = clients["district"]
    base = f"/protection/adjudications/{adjudication.pk}/"
    page = c.get(base).content.decode()
    assert 'data-testid="step-filed"' in page and 'data-testid="step-decided"' not in page
    steps = [
        ("filed", {"date": "2024-05-21", "handlers": [p.pk for p in panel[:3]]}),
        ("copy_served", {"date": "2024-05-22"}),
        ("answered", {"date": "2024-06-03", "note": "答辩"}),
        ("heard", {"date": "2024-06-12"}),
        ("decided", {"date": "2024-06-28", "infringement_found": "true", "result": "责令停止侵权"}),
        ("served", {"date": "2024-07-01", "note": "邮寄"}),
    ]
    for name, data in steps:
        response = c.post(base + f"act/{name}/", data, follow=True)
        assert "已完成" in response.content.decode(), (name, response.content.decode()[:3000])
    adjudication.refresh_from_db()
    assert adjudication.status == "served"
    page = c.get(base).content.decode()
    assert 'data-testid="event-decided"' in page and 'data-testid="doc-decision"' in page
    docx = c.get(base + "documents/decision/")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content[:2] == b"PK"


def test_invalid_step_shows_what_is_allowed(clients, adjudication):
    response = clients["district"].post(f"/protection/adjudications/{adjudication.pk}/act/decided/",
                                        {"infringement_found": "true", "result": "x"}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "操作未完成" in body and "当前可以执行：立案（filed）" in body
    adjudication.refresh_from_db()
    assert adjudication.status == "requested"


def test_nobody_out_of_scope_or_read_only_can_act(clients, adjudication, panel):
    url = f"/protection/adjudications/{adjudication.pk}/act/filed/"
    data = {"date": "2024-05-21", "handlers": [p.pk for p in panel[:3]]}
    for role in ("leader", "other_district", "commissioner", "lawyer", "enterprise"):
        assert clients[role].post(url, data).status_code == 404, role
    adjudication.refresh_from_db()
    assert adjudication.status == "requested"


def test_officer_creates_cases_through_forms(clients, users, regions):
    from ipdesk.protection.models import AdjudicationCase, AssistanceCase
    ent = users["enterprise"].enterprise
    response = clients["district"].post("/protection/adjudications/add/", {
        "title": "新纠纷", "requester": ent.pk, "respondent_name": "某厂", "patent_no": "CN 2017106018623",
        "claims": "停止侵权", "received_on": "2024-05-20"})
    assert response.status_code == 302
    case = AdjudicationCase.objects.get(title="新纠纷")
    assert case.patent_no == "201710601862.3" and case.region == regions["370403"] and case.requester_name == ent.name
    assert [e.code for e in case.timeline()] == ["requested"]
    bad = clients["district"].post("/protection/adjudications/add/", {
        "title": "坏号", "requester": ent.pk, "respondent_name": "某厂", "patent_no": "202210123456.7",
        "received_on": "2024-05-20"})
    assert bad.status_code == 200 and "涉案专利号有误" in bad.content.decode() and "校验位" in bad.content.decode()
    assert not AdjudicationCase.objects.filter(title="坏号").exists()
    response = clients["city"].post("/protection/assistance/add/", {
        "title": "展会侵权", "source": "outreach", "right_type": "patent", "enterprise": ent.pk,
        "received_on": "2024-05-20"})
    assert response.status_code == 302 and AssistanceCase.objects.filter(title="展会侵权").exists()
    for role in ("leader", "lawyer", "enterprise", "commissioner"):
        assert clients[role].get("/protection/adjudications/add/").status_code == 404, role
        assert clients[role].get("/protection/assistance/add/").status_code == 404, role


def test_enterprise_applies_for_assistance(clients, users):
    from ipdesk.protection.models import AssistanceCase
    for role in ("city", "district", "lawyer", "leader", "commissioner"):
        assert clients[role].get("/protection/assistance/apply/").status_code == 404, role
    c = clients["enterprise"]
    assert c.get("/protection/assistance/apply/").status_code == 200
    empty = c.post("/protection/assistance/apply/", {"right_type": "patent"})
    assert empty.status_code == 200 and not AssistanceCase.objects.exists()
    response = c.post("/protection/assistance/apply/", {"title": "被仿冒", "right_type": "patent",
                                                        "other_party": "某网店", "description": "仿冒"})
    case = AssistanceCase.objects.get()
    assert response.status_code == 302 and case.enterprise == users["enterprise"].enterprise
    assert (case.status, case.source) == ("applied", "application")
    page = c.get(case.get_absolute_url()).content.decode()
    assert "待受理" in page and 'data-testid="step-accepted"' not in page  # the enterprise only follows it
    assert c.post(case.get_absolute_url() + "act/accepted/", {}).status_code == 404
    actions.transition(case, "accepted", users["district"])
    assert case.status == "accepted"


def test_print_summary_and_pdf(clients, adjudication):
    html = clients["district"].get(f"/protection/adjudications/{adjudication.pk}/print/")
    assert html.status_code == 200 and adjudication.number in html.content.decode()
    pdf = clients["district"].get(f"/protection/adjudications/{adjudication.pk}/print/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert adjudication.number in text and "摘要" in text and "办理时间线" in text
    assert clients["other_district"].get(f"/protection/adjudications/{adjudication.pk}/print/?format=pdf").status_code == 404


def test_cooperation_pages_and_reply(clients, users, regions):
    case = CooperationCaseFactory(kind="police", title="涉嫌假冒注册商标", receiving_body="枣庄市公安局",
                                  region=regions["370403"], received_on=D(2024, 4, 1), registered_by=users["district"])
    url = case.get_absolute_url()
    expected = {"city": 200, "district": 200, "other_district": 404, "commissioner": 404, "enterprise": 404,
                "lawyer": 404, "leader": 200}
    for role, code in expected.items():
        assert clients[role].get(url).status_code == code, role
    assert clients["leader"].post(url + "act/accepted/", {"reply": "受理"}).status_code == 404
    response = clients["district"].post(url + "act/accepted/", {"reply": "已立案侦查", "date": "2024-04-08"}, follow=True)
    assert "已完成" in response.content.decode()
    response = clients["district"].post(url + "act/note/", {"note": "电话催办"}, follow=True)
    case.refresh_from_db()
    assert case.status == "accepted" and case.reply == "已立案侦查" and case.replied_on == D(2024, 4, 8)
    assert [e.code for e in case.timeline()] == ["sent", "accepted", "note"]


def test_assistance_page_scope(clients, users, assistance):
    expected = {"city": 200, "district": 200, "other_district": 404, "commissioner": 404, "enterprise": 200,
                "lawyer": 404, "leader": 200}
    for role, code in expected.items():
        assert clients[role].get(assistance.get_absolute_url()).status_code == code, role


def test_figures_page_within_scope(clients, adjudication, other_adjudication, panel, users):
    actions.transition(adjudication, "filed", users["district"], date=D(2024, 5, 21), handlers=[p.pk for p in panel[:3]])
    page = clients["district"].get("/protection/figures/?year=2024").content.decode()
    assert 'data-key="adjudication_filed"' in page
    ctx = clients["district"].get("/protection/figures/?year=2024").context
    totals = {key: value for _l, value, _u, key in ctx["totals"]}
    assert totals["adjudication_filed"] == 1 and totals["adjudication_requests"] == 1  # 滕州's case is not counted
    city = {k: v for _l, v, _u, k in clients["city"].get("/protection/figures/?year=2024").context["totals"]}
    assert city["adjudication_requests"] == 2
    assert clients["city"].get("/protection/figures/?year=abc").status_code == 200


def test_document_templates_are_editable_by_city_officers(clients):
    import io

    from docx import Document

    from ipdesk.protection.models import DocumentTemplate
    template = DocumentTemplate.objects.get(kind="filing_notice")
    download = clients["district"].get(f"/protection/templates/{template.pk}/download/")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    doc = Document()
    doc.add_paragraph("本局立案通知 {{ case.number }}")
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    buffer.name = "notice.docx"
    response = clients["city"].post(f"/protection/templates/{template.pk}/edit/", {
        "kind": "filing_notice", "name": "新版", "is_active": "on", "upload": buffer, "_version": template.version})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "新版" and b"PK" == bytes(template.content)[:2]
    broken = io.BytesIO(b"not a docx")
    broken.name = "x.docx"
    response = clients["city"].post(f"/protection/templates/{template.pk}/edit/", {
        "kind": "filing_notice", "name": "坏", "upload": broken, "_version": template.version})
    assert response.status_code == 200 and "模板文件无法使用" in response.content.decode()
    assert clients["district"].get(f"/protection/templates/{template.pk}/edit/").status_code == 404
    assert clients["leader"].get(f"/protection/templates/{template.pk}/edit/").status_code == 404


def test_station_phone_is_masked_for_non_officers(clients, regions):
    from ipdesk.protection.models import ServiceStation
    station = ServiceStation.objects.create(kind="workstation", name="薛城工作站", host="园区", region=regions["370403"],
                                            contact_phone="13800001234")
    page = clients["enterprise"].get("/protection/stations/").content.decode()
    assert "薛城工作站" in page and "13800001234" not in page
    assert clients["other_district"].get(f"/protection/stations/{station.pk}/edit/").status_code == 404
    assert clients["district"].get(f"/protection/stations/{station.pk}/edit/").status_code == 200


def test_attachments_join_the_timeline(clients, users, assistance, adjudication, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    settings.MEDIA_ROOT = tmp_path
    upload = f"/attachments/protection/assistancecase/{assistance.pk}/upload/"
    # The requesting enterprise adds evidence to its own case; the leader may not.
    response = clients["enterprise"].post(upload, {"file": SimpleUploadedFile("证据.txt", "侵权商品照片说明".encode())})
    assert response.status_code == 302
    assert clients["leader"].post(upload, {"file": SimpleUploadedFile("x.txt", b"x")}).status_code == 404
    assert clients["other_district"].post(upload, {"file": SimpleUploadedFile("x.txt", b"x")}).status_code == 404
    event = assistance.timeline()[-1]
    assert (event.kind, event.note, event.actor) == ("attachment", "证据.txt", users["enterprise"])
    # On an adjudication case only officers in scope attach files.
    url = f"/attachments/protection/adjudicationcase/{adjudication.pk}/upload/"
    assert clients["enterprise"].post(url, {"file": SimpleUploadedFile("x.txt", b"x")}).status_code == 404
    assert clients["district"].post(url, {"file": SimpleUploadedFile("答辩书.txt", b"answer")}).status_code == 302
    assert [e.code for e in adjudication.timeline()][-1] == "attachment"
    page = clients["district"].get(adjudication.get_absolute_url()).content.decode()
    assert "答辩书.txt" in page and 'data-testid="attachments"' in page
