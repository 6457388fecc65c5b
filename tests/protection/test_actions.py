"""Transitions write typed timeline rows; invalid steps are refused with the allowed next steps;
limits follow the timeline, suspensions and extensions; warnings, documents and figures."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from ipdesk.protection import actions
from ipdesk.protection.error_codes import ProtectionErrorCode
from ipdesk.protection.limits import case_limits
from tests.factories import CooperationCaseFactory

D = datetime.date


def _carry_to_decision(case, user, panel):
    actions.transition(case, "filed", user, date=D(2024, 5, 21), handlers=[u.pk for u in panel[:3]])
    actions.take_step(case, "copy_served", user, date=D(2024, 5, 23))
    actions.transition(case, "answered", user, date=D(2024, 6, 5), note="否认侵权")
    actions.take_step(case, "answer_copy_served", user, date=D(2024, 6, 6))
    actions.take_step(case, "hearing_scheduled", user, date=D(2024, 6, 6), hearing_on=D(2024, 6, 14))
    actions.transition(case, "heard", user, date=D(2024, 6, 14))
    actions.transition(case, "decided", user, date=D(2024, 7, 1), infringement_found="true", result="责令停止侵权")
    actions.transition(case, "served", user, date=D(2024, 7, 3), note="直接送达")


def test_request_to_service_writes_a_typed_timeline(adjudication, users, panel):
    _carry_to_decision(adjudication, users["district"], panel)
    adjudication.refresh_from_db()
    assert adjudication.status == "served" and adjudication.infringement_found is True
    assert adjudication.handlers.count() == 3 and adjudication.filed_on == D(2024, 5, 21)
    codes = [e.code for e in adjudication.timeline()]
    assert codes == ["requested", "filed", "copy_served", "answered", "answer_copy_served", "hearing_scheduled", "heard",
                     "decided", "served"]
    filed = adjudication.timeline()[1]
    assert (filed.kind, filed.from_status, filed.to_status, filed.actor) == ("transition", "requested", "filed",
                                                                            users["district"])
    states = {l.rule.code: l.state for l in case_limits(adjudication, today=D(2024, 7, 10))}
    assert states == {"filing_review": "met", "copy_service": "met", "answer_period": "met",
                      "answer_copy_service": "met", "closure": "met"}


def test_invalid_transition_names_what_is_allowed(adjudication, users):
    with pytest.raises(ValidationError) as err:
        actions.transition(adjudication, "decided", users["district"], infringement_found=True, result="x")
    assert err.value.error_code == ProtectionErrorCode.INVALID_TRANSITION
    message = err.value.messages[0]
    assert "当前状态为「已申请」" in message and "立案（filed）" in message and "不予受理（rejected）" in message
    with pytest.raises(ValidationError) as err:
        actions.transition(adjudication, "closed", users["district"])
    assert err.value.error_code == ProtectionErrorCode.UNKNOWN_TARGET
    adjudication.refresh_from_db()
    assert adjudication.status == "requested" and len(adjudication.timeline()) == 1


@pytest.mark.parametrize("size", [0, 2, 4])
def test_panel_must_be_odd_and_at_least_three(adjudication, users, panel, size):
    with pytest.raises(ValidationError, match="3名或3名以上单数"):
        actions.transition(adjudication, "filed", users["district"], date=D(2024, 5, 20),
                           handlers=[u.pk for u in panel[:size]])
    adjudication.refresh_from_db()
    assert adjudication.status == "requested" and adjudication.handlers.count() == 0


def test_panel_members_are_officers(adjudication, users, panel):
    with pytest.raises(ValidationError, match="工作人员"):
        actions.transition(adjudication, "filed", users["district"], date=D(2024, 5, 20),
                           handlers=[panel[0].pk, panel[1].pk, users["lawyer"].pk])


def test_bad_dates_are_refused_with_the_field_named(adjudication, users, panel):
    with pytest.raises(ValidationError, match="立案日期格式不正确：2024/13/40（应为 YYYY-MM-DD）"):
        actions.transition(adjudication, "filed", users["district"], date="2024/13/40", handlers=[p.pk for p in panel[:3]])
    with pytest.raises(ValidationError, match="不能早于收到请求书日期"):
        actions.transition(adjudication, "filed", users["district"], date="2024-05-01", handlers=[p.pk for p in panel[:3]])
    future = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        actions.transition(adjudication, "filed", users["district"], date=future, handlers=[p.pk for p in panel[:3]])


def test_suspension_blocks_steps_and_pushes_the_closure_limit(adjudication, users, panel):
    user = users["district"]
    actions.transition(adjudication, "filed", user, date=D(2024, 5, 21),
                       handlers=[u.pk for u in panel[:3]])
    base = {l.rule.code: l.due for l in case_limits(adjudication, today=D(2024, 6, 1))}["closure"]
    assert base == D(2024, 8, 21)  # 3 months from 05-21, a Wednesday
    actions.take_step(adjudication, "suspend", user, kind="appraisal", date=D(2024, 6, 3), reason="技术鉴定")
    adjudication.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        actions.transition(adjudication, "answered", user, date=D(2024, 6, 4))
    assert err.value.error_code == ProtectionErrorCode.SUSPENDED
    limits = {l.rule.code: l for l in case_limits(adjudication, today=D(2024, 6, 10))}
    assert limits["closure"].due is None and limits["closure"].state == "paused"
    actions.take_step(adjudication, "resume", user, date=D(2024, 6, 12))  # 06-03..06-12: 10 days not counted
    adjudication.refresh_from_db()
    due = {l.rule.code: l.due for l in case_limits(adjudication, today=D(2024, 6, 13))}["closure"]
    assert due == D(2024, 8, 31) + datetime.timedelta(days=2)  # 08-31 is a Saturday: Monday 09-02
    actions.take_step(adjudication, "extend", user, rule="closure", amount=1, approved_by="局长", date=D(2024, 6, 20),
                      reason="复杂")
    due = {l.rule.code: l.due for l in case_limits(adjudication, today=D(2024, 6, 21))}["closure"]
    assert due == D(2024, 10, 8)  # 09-21 + 10 days = 10-01, National Day: first working day 10-08
    with pytest.raises(ValidationError, match="最多可延长 1月"):
        actions.take_step(adjudication, "extend", user, rule="closure", amount=1, approved_by="局长",
                          date=D(2024, 6, 21), reason="再延")
    with pytest.raises(ValidationError, match="不得延长"):
        actions.take_step(adjudication, "extend", user, rule="filing_review", amount=1, approved_by="局长",
                          reason="x")
    kinds = [e.kind for e in adjudication.timeline()]
    assert kinds.count("suspended") == 1 and kinds.count("resumed") == 1 and kinds.count("extended") == 1


def test_hearing_needs_three_working_days_notice(adjudication, users, panel):
    actions.transition(adjudication, "filed", users["district"], date=D(2024, 5, 21), handlers=[u.pk for u in panel[:3]])
    with pytest.raises(ValidationError, match="最早可定于 2024-05-29"):
        actions.take_step(adjudication, "hearing_scheduled", users["district"], date=D(2024, 5, 23),
                          hearing_on=D(2024, 5, 27))
    actions.take_step(adjudication, "hearing_scheduled", users["district"], date=D(2024, 5, 23),
                      hearing_on=D(2024, 5, 29))
    adjudication.refresh_from_db()
    assert adjudication.hearing_on == D(2024, 5, 29)


def test_filing_review_overdue_and_warning(adjudication):
    limits = {l.rule.code: l for l in case_limits(adjudication, today=D(2024, 5, 22))}
    # Received Fri 05-17: five working days end Fri 05-24.
    assert limits["filing_review"].due == D(2024, 5, 24) and limits["filing_review"].state == "warning"
    assert {l.rule.code: l.state for l in case_limits(adjudication, today=D(2024, 5, 27))}["filing_review"] == "overdue"


def test_warnings_notify_the_panel_once(adjudication, users, panel):
    from ipdesk.core.models import Notification
    from ipdesk.protection.tasks import send_limit_warnings
    actions.transition(adjudication, "filed", users["district"], date=D(2024, 5, 21), handlers=[u.pk for u in panel[:3]])
    # Copy not served by 05-28 (5 working days after 05-21): overdue, the three panel members are told.
    sent = send_limit_warnings(today=D(2024, 5, 29))
    assert sent == 3
    assert send_limit_warnings(today=D(2024, 5, 29)) == 0  # once per limit and state
    note = Notification.objects.filter(recipient=panel[0]).first()
    assert "送达请求书副本已超期" in note.title and note.link.endswith(f"/protection/adjudications/{adjudication.pk}/")
    assert not Notification.objects.filter(recipient=panel[3]).exists()


def test_assistance_path_and_refusals(assistance, users):
    user = users["district"]
    with pytest.raises(ValidationError, match="请选择承办人"):
        actions.transition(assistance, "handling", user)
    actions.transition(assistance, "handling", user, handler=users["lawyer"].pk, date=D(2024, 5, 7))
    actions.take_step(assistance, "service", users["lawyer"], kind="opinion", date=D(2024, 5, 9),
                      description="侵权意见")
    with pytest.raises(ValidationError, match="请选择办理结果"):
        actions.transition(assistance, "closed", user, outcome="great")
    actions.transition(assistance, "closed", users["lawyer"], outcome="settled", date=D(2024, 5, 20))
    with pytest.raises(ValidationError, match="只有受理后、办结前"):
        actions.take_step(assistance, "service", user, kind="consultation")
    with pytest.raises(ValidationError, match="不能早于办结日期"):
        actions.transition(assistance, "visited", user, visit_note="满意", date=D(2024, 5, 1))
    actions.transition(assistance, "visited", user, visit_note="满意", date=D(2024, 6, 1))
    assistance.refresh_from_db()
    assert assistance.status == "visited" and assistance.handler == users["lawyer"]
    assert [e.kind for e in assistance.timeline()] == ["created", "assigned", "service", "transition", "follow_up"]
    assert assistance.services.get().kind == "opinion"


def test_cooperation_reply_is_recorded(users, regions):
    case = CooperationCaseFactory(kind="judicial_confirmation", title="调解协议司法确认", receiving_body="枣庄市中级人民法院",
                                  region=regions["370403"], received_on=D(2024, 4, 1), registered_by=users["city"])
    with pytest.raises(ValidationError) as err:
        actions.transition(case, "concluded", users["city"], result="confirmed")
    assert err.value.error_code == ProtectionErrorCode.INVALID_TRANSITION
    actions.transition(case, "accepted", users["city"], date=D(2024, 4, 3), reply="已立案")
    actions.transition(case, "concluded", users["city"], date=D(2024, 4, 20), result="confirmed", reply="裁定协议有效")
    case.refresh_from_db()
    assert case.status == "concluded" and case.result == "confirmed" and "裁定协议有效" in case.reply
    assert case.replied_on == D(2024, 4, 3)


def test_documents_render_from_the_office_template(adjudication, users, panel):
    from docx import Document

    from ipdesk.protection import documents
    from ipdesk.protection.models import DocumentTemplate
    _carry_to_decision(adjudication, users["district"], panel)
    adjudication.refresh_from_db()
    template = DocumentTemplate.objects.get(kind="decision")
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.render(template, adjudication))).paragraphs)
    assert adjudication.number in text and "构成专利侵权" in text and "责令停止侵权" in text and "{{" not in text
    assert "2024年5月21日" in text


def test_indicator_provider_counts_filed_decided_and_overdue(adjudication, other_adjudication, users, panel, regions):
    from ipdesk.protection.indicators import protection_indicators
    _carry_to_decision(adjudication, users["district"], panel)
    # The 滕州 case is filed but never closed: by year end its 3-month limit has passed.
    # Filed by the city officer: the panel fixture's officers are 薛城's, whom 滕州's officer may not name.
    actions.transition(other_adjudication, "filed", users["city"], date=D(2024, 6, 5),
                       handlers=[u.pk for u in panel[:3]])
    city = protection_indicators(regions["370400"], D(2024, 1, 1), D(2024, 12, 31))
    assert city["adjudication_filed"] == 2 and city["adjudication_decided"] == 1
    assert city["adjudication_avg_days"] == 41.0 and city["adjudication_overdue"] == 1
    xuecheng = protection_indicators(regions["370403"], D(2024, 1, 1), D(2024, 12, 31))
    assert xuecheng["adjudication_filed"] == 1 and xuecheng["adjudication_overdue"] == 0


def test_demo_reproduces_the_calibration_table(regions, users, make_enterprise):
    from ipdesk.protection import demo
    from ipdesk.protection.indicators import protection_indicators
    for code in ("370402", "370481", "370404"):
        make_enterprise(region=code)
    demo.load()
    figures = protection_indicators(regions["370400"], D(2022, 1, 1), D(2022, 12, 31))
    assert figures["adjudication_filed"] == 25 and figures["adjudication_decided"] == 12
    assert figures["assistance_cases"] >= 10 and figures["judicial_confirmations"] >= 10
    assert figures["guidance_stations"] == 33 and figures["protection_workstations"] == 12
    demo.load()  # idempotent
    assert protection_indicators(regions["370400"], D(2022, 1, 1), D(2022, 12, 31)) == figures


def test_warnings_command(adjudication, capsys):
    from django.core.management import CommandError, call_command
    call_command("protection_warnings", "--date", "2024-05-27")  # filing review overdue: city/district officers told
    assert "sent" in capsys.readouterr().out
    from ipdesk.core.models import Notification
    assert Notification.objects.filter(kind="protection_limit_overdue").exists()
    with pytest.raises(CommandError, match="--date格式不正确：2024-13-01"):
        call_command("protection_warnings", "--date", "2024-13-01")


def test_perform_writes_the_timeline_row_the_step_function_only_changes_the_case(adjudication, users, panel):
    """perform() is the one writer of a case step's event: the step function changes the case and returns an
    events.Step (issue 20, item 1)."""
    from ipdesk.core.workflow import workflow_for
    from ipdesk.protection import events
    from ipdesk.protection.models import AssistanceCase, CooperationCase
    user = users["district"]
    actions.transition(adjudication, "filed", user, date=D(2024, 5, 21), handlers=[u.pk for u in panel[:3]])
    step = actions.suspend(adjudication, user, kind="appraisal", date=D(2024, 6, 3), reason="技术鉴定")
    assert isinstance(step, events.Step)
    assert (step.kind, step.code, step.date) == ("suspended", "suspended", D(2024, 6, 3))
    adjudication.refresh_from_db()
    assert adjudication.is_suspended and [e.code for e in adjudication.timeline()] == ["requested", "filed"]
    actions.take_step(adjudication, "resume", user, date=D(2024, 6, 12), note="鉴定完毕")
    row = adjudication.timeline()[-1]
    assert (row.kind, row.code, row.date, row.note, row.actor, row.data["days"]) == (
        "resumed", "resumed", D(2024, 6, 12), "鉴定完毕", user, 10)
    for wf in (workflow_for(type(adjudication)), workflow_for(AssistanceCase), workflow_for(CooperationCase)):
        assert all(t.event is events.record_step for t in wf.transitions.values() if t.effect is not None)


def test_an_assignment_is_one_assigned_row_and_tells_the_handler(assistance, users):
    from ipdesk.core.models import Notification
    actions.transition(assistance, "handling", users["district"], handler=users["lawyer"].pk, date=D(2024, 5, 7))
    row = assistance.timeline()[-1]
    assert (row.kind, row.code, row.from_status, row.to_status, row.data["handler"]) == (
        "assigned", "handling", "accepted", "handling", users["lawyer"].pk)
    assert Notification.objects.get(recipient=users["lawyer"], kind="protection_assigned").title.startswith(
        "您被指派承办维权援助案件：")
