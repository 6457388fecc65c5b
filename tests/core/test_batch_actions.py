"""Row selection and batch actions of the list pages (core.views.ObjectListView.post, core.bulk): 导出所选,
批量作废 and a step per record (受理), each record checked against the user's scope and its state; the 操作
column (查看/编辑/作废) on every list (issue 19 item 4)."""
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from ipdesk.core.models import AuditAction, AuditEntry
from ipdesk.core.views import ObjectListView
from ipdesk.services.models import ServiceRequest

pytestmark = pytest.mark.django_db

LIST = "/services/requests/"


@pytest.fixture
def reqs(users, make_enterprise, stype):
    """Two requests of 薛城区 (the district officer's) and one of 滕州市 (not)."""
    from ipdesk.services import actions
    own = users["enterprise"].enterprise
    return {"a": actions.submit_request(users["city"], own, stype, "申请快速预审甲", "说明"),
            "b": actions.submit_request(users["city"], own, stype, "申请快速预审乙", "说明"),
            "other": actions.submit_request(users["city"], make_enterprise("滕州他人科技有限公司", "370481"), stype,
                                            "滕州的申请")}


def _listed(client, path=LIST, **params):
    html = client.get(path, params).content.decode()
    return {int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', html)}


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "leader", "lawyer"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_and_may_tick_only_its_own_records(users, clients, reqs, role):
    expected = set(ServiceRequest.objects.restrict(users[role]).values_list("pk", flat=True))
    response = clients[role].get(LIST)
    if role in ("enterprise", "lawyer"):     # the back-office list is not theirs (the enterprise has its portal)
        assert response.status_code == 404
        assert clients[role].post(LIST, {"_action": "export", "pk": list(expected)}).status_code == 404
        return
    assert _listed(clients[role]) == expected
    everyone = {r.pk for r in reqs.values()}
    assert expected == {"city": everyone, "leader": everyone, "district": {reqs["a"].pk, reqs["b"].pk},
                        "other_district": {reqs["other"].pk}, "commissioner": {reqs["a"].pk, reqs["b"].pk},
                        "enterprise": {reqs["a"].pk, reqs["b"].pk}, "lawyer": set()}[role]


def test_export_selected_is_the_list_export_of_the_ticked_rows(users, clients, reqs):
    client = clients["district"]
    response = client.post(LIST, {"_action": "export", "pk": [reqs["a"].pk, reqs["b"].pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    full = load_workbook(io.BytesIO(client.get(LIST, {"export": "xlsx"}).content)).active
    assert rows[0] == next(full.iter_rows(values_only=True))            # the same columns as the list export
    assert sorted(r[0] for r in rows[1:]) == sorted([reqs["a"].number, reqs["b"].number])
    promised = rows[0].index("承诺时限")
    assert all(isinstance(r[promised], int) and r[promised] == 5 for r in rows[1:])   # numbers stay numbers
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.after["rows"] == 2 and entry.username == "district"


def test_export_selected_refuses_rows_out_of_scope_by_number(users, clients, reqs):
    response = clients["district"].post(LIST, {"_action": "export", "pk": [reqs["a"].pk, reqs["other"].pk]})
    assert response.status_code == 302
    text = "".join(_messages(response))
    assert str(reqs["other"].pk) in text and "数据权限" in text
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_selected_works_on_a_list_without_export_columns(users, clients, reqs):
    """A list that declares no export columns (the operation log) exports what its table shows, ids as numbers."""
    from ipdesk.core.views import AuditListView
    assert not AuditListView.export_columns
    entries = list(AuditEntry.objects.order_by("id")[:2])
    response = clients["city"].post("/audit/", {"_action": "export", "pk": [e.pk for e in entries]})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    from ipdesk.core.tables import AuditTable
    # the table's own columns; the selection boxes and the 操作 (row actions) column are not exported
    assert len(rows) == 3 and len(rows[0]) == len(AuditTable._meta.fields) and "全选本页" not in rows[0]
    assert sorted(r[0] for r in rows[1:]) == [e.pk for e in entries]    # numbers, not text
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, username="city").exists()


def test_batch_void_asks_for_the_reason_then_voids_in_scope_and_names_the_rest(users, clients, reqs):
    client = clients["district"]
    ticked = [reqs["a"].pk, reqs["b"].pk, reqs["other"].pk]
    ask = client.post(LIST, {"_action": "void", "pk": ticked})
    assert ask.status_code == 200
    body = ask.content.decode()
    assert 'name="reason"' in body and reqs["a"].title in body and "滕州的申请" not in body
    assert ServiceRequest.objects.count() == 3                            # nothing voided before the reason

    no_reason = client.post(LIST, {"_action": "void", "pk": ticked, "_confirm": "1", "reason": ""})
    assert no_reason.status_code == 200 and ServiceRequest.objects.count() == 3

    done = client.post(LIST, {"_action": "void", "pk": ticked, "_confirm": "1", "reason": "批量录入错误"})
    assert done.status_code == 302
    assert set(ServiceRequest.all_objects.voided().values_list("pk", flat=True)) == {reqs["a"].pk, reqs["b"].pk}
    assert ServiceRequest.objects.filter(pk=reqs["other"].pk).exists()
    text = " ".join(_messages(done))
    assert "2" in text and f"编号 {reqs['other'].pk}" in text
    assert AuditEntry.objects.filter(action=AuditAction.VOID).count() == 2


def test_batch_void_refuses_a_record_already_voided_by_name(users, clients, reqs):
    from ipdesk.core import voiding
    voiding.void(reqs["a"], users["city"], "先作废")
    response = clients["district"].post(f"{LIST}?voided=1", {"_action": "void", "pk": [reqs["a"].pk, reqs["b"].pk],
                                                             "_confirm": "1", "reason": "再作废"})
    # the voided list offers no 批量作废 at all; on the list in force the voided one is named
    assert "该批量操作不存在" in " ".join(_messages(response))
    response = clients["district"].post(LIST, {"_action": "void", "pk": [reqs["a"].pk, reqs["b"].pk],
                                               "_confirm": "1", "reason": "再作废"})
    text = " ".join(_messages(response))
    assert "已作废" in text and str(reqs["a"]) in text
    assert ServiceRequest.all_objects.get(pk=reqs["a"].pk).void_reason == "先作废"
    assert ServiceRequest.all_objects.get(pk=reqs["b"].pk).void_reason == "再作废"


@pytest.mark.parametrize("role", ["enterprise", "commissioner", "leader"])
def test_roles_that_may_not_void_cannot_batch_void(users, clients, reqs, role):
    response = clients[role].post(LIST, {"_action": "void", "pk": [reqs["a"].pk], "_confirm": "1", "reason": "x"})
    assert response.status_code in (302, 404)
    assert ServiceRequest.objects.filter(pk=reqs["a"].pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.VOID).exists()


def test_batch_accept_takes_the_step_on_each_record_and_names_the_refused(users, clients, reqs):
    from ipdesk.core.workflow import perform
    perform(reqs["b"], "accept", users["city"], {})       # already accepted: the wrong state for 受理
    client = clients["district"]
    page = client.get(LIST).content.decode()
    assert 'data-testid="bulk-wf-accept"' in page
    ticked = [reqs["a"].pk, reqs["b"].pk, reqs["other"].pk]
    ask = client.post(LIST, {"_action": "wf-accept", "pk": ticked})
    assert ask.status_code == 200 and 'data-testid="confirm-bulk-action"' in ask.content.decode()
    assert ServiceRequest.objects.get(pk=reqs["a"].pk).status == "submitted"
    done = client.post(LIST, {"_action": "wf-accept", "pk": ticked, "_confirm": "1", "note": "批量受理"})
    assert done.status_code == 302
    assert ServiceRequest.objects.get(pk=reqs["a"].pk).status == "accepted"
    assert ServiceRequest.objects.get(pk=reqs["other"].pk).status == "submitted"
    text = " ".join(_messages(done))
    assert str(reqs["b"]) in text and f"编号 {reqs['other'].pk}" in text


def test_a_read_only_role_has_no_batch_step(users, clients, reqs):
    page = clients["leader"].get(LIST).content.decode()
    assert 'data-testid="bulk-wf-accept"' not in page and 'data-testid="bulk-export"' in page
    assert 'data-testid="bulk-void"' not in page and ">编辑</a>" not in page and ">作废</a>" not in page
    response = clients["leader"].post(LIST, {"_action": "wf-accept", "pk": [reqs["a"].pk], "_confirm": "1"})
    assert "该批量操作不存在" in " ".join(_messages(response))
    assert ServiceRequest.objects.get(pk=reqs["a"].pk).status == "submitted"


def test_batch_needs_a_ticked_row(clients, reqs):
    response = clients["district"].post(LIST, {"_action": "export"})
    assert response.status_code == 302 and "请先勾选" in " ".join(_messages(response))


def _all_lists(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _all_lists(entry, route)
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "view_class", None)
            if cls and issubclass(cls, ObjectListView) and "<" not in route:
                yield "/" + route.lstrip("^").rstrip("$"), cls


def test_every_list_has_the_selection_the_actions_column_and_export_selected(users, clients, reqs):
    client = clients["city"]
    failed = []
    for path, cls in _all_lists():
        if not cls.row_actions:
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue   # a list for another role (its menus are tested elsewhere)
        html = response.content.decode()
        has_actions_column = re.search(r">\s*操作\s*</th>", html)
        if 'data-testid="bulk-export"' not in html or 'id="bulk-form"' not in html or not has_actions_column:
            failed.append(path)
    assert not failed, failed


# ---- 贴息申请: 批量审核通过 (finance) ---------------------------------------------------------------
from tests.finance.conftest import bank, pledges, world  # noqa: E402,F401  (their fixtures)


@pytest.fixture
def subsidies(users, world, pledges):
    from decimal import Decimal

    from ipdesk.finance import actions
    from ipdesk.finance.models import InterestSubsidyApplication, SubsidyRule
    SubsidyRule.objects.create(year=2022, name="贴息", interest_share=Decimal("0.5"),
                               cap_per_enterprise_yuan=Decimal("200000"))

    def apply(enterprise, pledge, paid="52200"):
        import datetime as dt
        app = InterestSubsidyApplication(enterprise=enterprise, year=2022, pledge=pledge, bank=world["bank"],
                                         loan_amount_10k_yuan=Decimal("1200"), loan_start=dt.date(2022, 3, 1),
                                         loan_end=dt.date(2023, 2, 28), interest_paid_yuan=Decimal(paid))
        return actions.submit_application(app, users["city"])
    return {"mine": apply(world["own"], pledges["mine"]), "mine2": apply(world["own"], pledges["mine"], "1000"),
            "theirs": apply(world["other"], pledges["theirs"])}


def test_batch_approve_checks_each_subsidy_application(users, clients, subsidies):
    from ipdesk.finance.actions import approve_application
    from ipdesk.finance.models import InterestSubsidyApplication
    approve_application(subsidies["mine2"], users["city"])        # already approved: the wrong state
    from ipdesk.core import bulk
    # the workflow's 审核通过 step (core.workflow) once finance declares it, else the action function
    name = "wf-approve"
    assert name in [a.name for a in bulk._registry[InterestSubsidyApplication]]
    path = "/finance/subsidies/"
    assert f'data-testid="bulk-{name}"' in clients["district"].get(path).content.decode()
    assert f'data-testid="bulk-{name}"' not in clients["leader"].get(path).content.decode()
    ticked = [subsidies["mine"].pk, subsidies["mine2"].pk, subsidies["theirs"].pk]
    response = clients["district"].post(path, {"_action": name, "pk": ticked, "_confirm": "1"})
    assert response.status_code == 302
    status = dict(InterestSubsidyApplication.objects.values_list("pk", "status"))
    assert status == {subsidies["mine"].pk: "approved", subsidies["mine2"].pk: "approved",
                      subsidies["theirs"].pk: "submitted"}
    text = " ".join(_messages(response))
    assert "完成 1 条" in text and str(subsidies["mine2"]) in text and f"编号 {subsidies['theirs'].pk}" in text


def test_a_paid_subsidy_is_refused_by_name_in_a_batch_void(users, clients, subsidies):
    import datetime as dt

    from ipdesk.finance.actions import approve_application, pay_application
    from ipdesk.finance.models import InterestSubsidyApplication
    approve_application(subsidies["mine"], users["city"])
    pay_application(subsidies["mine"], dt.date(2022, 12, 1), users["city"])
    ticked = [subsidies["mine"].pk, subsidies["mine2"].pk]
    response = clients["district"].post("/finance/subsidies/", {"_action": "void", "pk": ticked, "_confirm": "1",
                                                                 "reason": "重复申报"})
    assert response.status_code == 302
    assert InterestSubsidyApplication.objects.filter(pk=subsidies["mine"].pk).exists()       # paid: kept
    assert not InterestSubsidyApplication.objects.filter(pk=subsidies["mine2"].pk).exists()  # voided
    text = " ".join(_messages(response))
    assert "已拨付" in text and str(subsidies["mine"]) in text


def test_a_pledge_is_released_never_voided(users, clients, pledges):
    """A registered pledge wrote pledge events on its patents (counted by the figures): voiding the record
    would leave them behind, so it is ended by 解除质押 — no 作废 link, and a void is refused."""
    from ipdesk.finance.models import Pledge
    page = clients["district"].get("/finance/pledges/").content.decode()
    assert f"/finance/pledges/{pledges['mine'].pk}/void/" not in page
    response = clients["district"].post(f"/finance/pledges/{pledges['mine'].pk}/void/", {"reason": "登记号录错"})
    assert response.status_code in (403, 404)
    assert Pledge.objects.filter(pk=pledges["mine"].pk).exists()
    assert pledges["mine"].pk in _listed(clients["district"], "/finance/pledges/")


def test_odd_selections_answer_a_message_not_an_error(clients, reqs):
    client = clients["district"]
    for odd in (["abc"], ["9" * 30], ["-1"], ["１"]):
        response = client.post(LIST, {"_action": "export", "pk": odd})
        assert response.status_code == 302 and "请先勾选" in " ".join(_messages(response))
    response = client.post(LIST, {"_action": "export", "pk": [str(i) for i in range(1, 600)]})
    assert response.status_code == 302 and "一次最多" in " ".join(_messages(response))
    response = client.post(LIST, {"_action": "drop_table", "pk": [reqs["a"].pk]})
    assert response.status_code == 302 and "该批量操作不存在" in " ".join(_messages(response))
