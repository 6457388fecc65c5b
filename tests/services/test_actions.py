"""The lifecycle as actions: typed events, who may take each step, notifications, assignments,
overdue warnings, attachments, and the figures computed on hand-made records."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipdesk.core.models import Attachment, Notification
from ipdesk.services import actions
from ipdesk.services.error_codes import ServicesErrorCode
from ipdesk.services.choices import EventKind, RequestStatus
from ipdesk.services.indicators import service_figures, service_indicators
from ipdesk.services.models import CommissionerAssignment, ProblemLog, RequestEvent, ServiceRequest
from ipdesk.services.tasks import send_overdue_warnings
from tests.factories import ProblemLogFactory

from .conftest import aware

pytestmark = pytest.mark.django_db


def test_full_lifecycle_writes_typed_events_with_actor_and_time(users, make_request):
    ent_user, comm = users["enterprise"], users["commissioner"]
    req = make_request(ent_user, at=aware(2024, 3, 1, 9))          # Friday
    assert req.status == RequestStatus.SUBMITTED and req.promised_days == 5 and req.former_days == 30
    assert req.due_date == datetime.date(2024, 3, 8)
    assert Notification.objects.filter(recipient=comm, kind="service_request").count() == 1
    actions.accept_request(req, comm, "收到", at=aware(2024, 3, 1, 10))
    actions.start_processing(req, comm, at=aware(2024, 3, 1, 11))
    req = actions.complete_request(req, comm, "已完成备案", at=aware(2024, 3, 5, 16))
    assert req.handling_days == Decimal(2) and req.handler == comm
    assert Notification.objects.filter(recipient=ent_user, kind="service_completed").exists()
    req = actions.rate_request(req, ent_user, 5, "很及时", at=aware(2024, 3, 6, 9))
    assert (req.status, req.rating, req.rating_comment) == (RequestStatus.RATED, 5, "很及时")
    events = list(RequestEvent.objects.filter(request=req).values_list("kind", "actor__username", "to_status"))
    assert events == [(EventKind.SUBMITTED, "enterprise", RequestStatus.SUBMITTED),
                      (EventKind.ACCEPTED, "commissioner", RequestStatus.ACCEPTED),
                      (EventKind.PROCESSING, "commissioner", RequestStatus.PROCESSING),
                      (EventKind.COMPLETED, "commissioner", RequestStatus.COMPLETED),
                      (EventKind.RATED, "enterprise", RequestStatus.RATED)]
    assert RequestEvent.objects.get(request=req, kind=EventKind.ACCEPTED).at == aware(2024, 3, 1, 10)


def test_invalid_step_says_what_is_allowed_and_changes_nothing(users, make_request):
    req = make_request(users["enterprise"])
    with pytest.raises(ValidationError) as exc:
        actions.complete_request(req, users["commissioner"], "结果")
    assert exc.value.error_code == ServicesErrorCode.INVALID_TRANSITION
    assert "已受理" in exc.value.messages[0]   # says what is allowed next
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED and req.events.count() == 1
    with pytest.raises(ValidationError) as exc:
        actions.rate_request(req, users["enterprise"], 5)
    assert exc.value.error_code == ServicesErrorCode.NOT_COMPLETED


def test_who_may_take_which_step(users, make_request, other_enterprise):
    req = make_request(users["enterprise"])
    with pytest.raises(PermissionDenied) as exc:
        actions.accept_request(req, users["enterprise"])          # an enterprise does not handle
    assert exc.value.code == ServicesErrorCode.NOT_HANDLER
    with pytest.raises(PermissionDenied) as exc:
        actions.accept_request(req, users["leader"])              # leaders never write
    assert exc.value.code == ServicesErrorCode.NOT_HANDLER
    with pytest.raises(PermissionDenied) as exc:
        actions.accept_request(req, other_enterprise["commissioner"])   # not their enterprise
    assert exc.value.code == ServicesErrorCode.OUT_OF_SCOPE
    with pytest.raises(PermissionDenied) as exc:
        actions.accept_request(req, users["other_district"])      # another district
    assert exc.value.code == ServicesErrorCode.OUT_OF_SCOPE
    actions.accept_request(req, users["district"])                # the district's officer may
    with pytest.raises(PermissionDenied):
        actions.submit_request(users["enterprise"], other_enterprise["enterprise"], req.service_type, "x")


def test_rating_is_the_asking_enterprises_and_in_range(users, make_request):
    req = make_request(users["enterprise"])
    for step in (actions.accept_request, actions.start_processing):
        step(req, users["commissioner"])
    actions.complete_request(req, users["commissioner"], "办结")
    with pytest.raises(PermissionDenied) as exc:
        actions.rate_request(req, users["commissioner"], 5)
    assert exc.value.code == ServicesErrorCode.NOT_REQUESTER
    with pytest.raises(ValidationError) as exc:
        actions.rate_request(req, users["enterprise"], 7)
    assert exc.value.error_code == ServicesErrorCode.RATING_INVALID
    req.refresh_from_db()
    assert req.status == RequestStatus.COMPLETED


def test_reject_needs_a_reason(users, make_request):
    req = make_request(users["enterprise"])
    with pytest.raises(ValidationError) as exc:
        actions.reject_request(req, users["commissioner"], "  ")
    assert exc.value.error_code == ServicesErrorCode.REASON_REQUIRED
    actions.reject_request(req, users["commissioner"], "不属于服务范围")
    req.refresh_from_db()
    assert req.status == RequestStatus.REJECTED and req.result == "不属于服务范围"


def test_empty_title_refused_and_nothing_saved(users, stype):
    with pytest.raises(ValidationError) as exc:
        actions.submit_request(users["enterprise"], users["enterprise"].enterprise, stype, "  ")
    assert exc.value.error_code == ServicesErrorCode.TITLE_REQUIRED
    assert not ServiceRequest.objects.exists()


def test_comments_notify_the_other_side(users, make_request):
    req = make_request(users["enterprise"])
    actions.add_comment(req, users["enterprise"], "请问进度？")
    assert Notification.objects.filter(recipient=users["commissioner"], kind="service_comment").exists()
    actions.add_comment(req, users["commissioner"], "本周办结")
    assert Notification.objects.filter(recipient=users["enterprise"], kind="service_comment").exists()
    assert req.comments.count() == 2 and req.events.filter(kind=EventKind.COMMENTED).count() == 2
    with pytest.raises(PermissionDenied):
        actions.add_comment(req, users["leader"], "领导留言")


def test_attachment_type_checked_by_content_and_size(users, make_request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = make_request(users["enterprise"])
    pdf = SimpleUploadedFile("备案材料.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    att = actions.attach_file(req, users["enterprise"], pdf)
    assert att.mime_type == "application/pdf" and req.events.filter(kind=EventKind.ATTACHED).exists()
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00\x03\x00\x00\x00 not a pdf at all")
    with pytest.raises(ValidationError):
        actions.attach_file(req, users["enterprise"], fake)
    from ipdesk.services import uploads
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (uploads.MAX_BYTES + 1))
    with pytest.raises(ValidationError) as exc:
        actions.attach_file(req, users["enterprise"], big)
    assert "超过上限" in " ".join(exc.value.messages)
    assert Attachment.objects.count() == 1
    assert req.events.filter(kind=EventKind.ATTACHED).count() == 1


def test_attachment_of_a_type_a_request_may_not_carry_is_refused(users, make_request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = make_request(users["enterprise"])
    with pytest.raises(ValidationError):
        actions.attach_file(req, users["enterprise"], SimpleUploadedFile("程序.exe", b"MZ\x90\x00" + b"\x00" * 64))
    assert Attachment.objects.count() == 0


def test_assignment_keeps_history_and_sets_the_commissioner(users, make_user, make_enterprise):
    from ipdesk.core.scoping import Role
    second = make_user("commissioner2", Role.COMMISSIONER)
    ent = make_enterprise("待分配科技有限公司", "370403")
    actions.assign_commissioner(ent, users["commissioner"], users["district"], "试点")
    actions.assign_commissioner(ent, second, users["city"], "岗位调整")
    ent.refresh_from_db()
    assert ent.commissioner == second
    rows = list(CommissionerAssignment.objects.filter(enterprise=ent).order_by("id"))
    assert [(r.commissioner, r.previous, r.ended_at is None) for r in rows] == \
        [(users["commissioner"], None, False), (second, users["commissioner"], True)]
    assert Notification.objects.filter(recipient=second, kind="commissioner_assigned").exists()
    with pytest.raises(ValidationError):
        actions.assign_commissioner(ent, second, users["city"])            # already theirs
    with pytest.raises(ValidationError):
        actions.assign_commissioner(ent, users["lawyer"], users["city"])   # not a commissioner
    with pytest.raises(PermissionDenied):
        actions.assign_commissioner(ent, users["commissioner"], users["other_district"])
    with pytest.raises(PermissionDenied):
        actions.assign_commissioner(ent, users["commissioner"], users["commissioner"])


def test_overdue_and_due_soon_warnings_once(users, make_request, stype):
    late = make_request(users["enterprise"], title="超期的", at=aware(2024, 3, 1, 9))     # due 2024-03-08
    soon = make_request(users["enterprise"], title="临期的", at=aware(2024, 3, 4, 9))     # due 2024-03-11
    done = make_request(users["enterprise"], title="已办结", at=aware(2024, 3, 1, 9))
    for step in (actions.accept_request, actions.start_processing):
        step(done, users["commissioner"])
    actions.complete_request(done, users["commissioner"], "办结")
    today = datetime.date(2024, 3, 10)
    sent = send_overdue_warnings(today)
    assert sent == 2
    kinds = dict(Notification.objects.filter(recipient=users["commissioner"], kind__startswith="service_")
                 .exclude(kind="service_request").values_list("dedupe_key", "kind"))
    assert kinds == {f"svc-overdue-{late.pk}": "service_overdue", f"svc-due-{soon.pk}": "service_due_soon"}
    assert late.events.filter(kind=EventKind.OVERDUE_WARNED).count() == 1
    assert send_overdue_warnings(today) == 0     # once only
    assert late.events.filter(kind=EventKind.OVERDUE_WARNED).count() == 1


def test_overdue_without_commissioner_warns_the_district(users, make_enterprise, make_user, stype):
    from ipdesk.core.scoping import Role
    ent = make_enterprise("无专员科技有限公司", "370403")
    req = actions.submit_request(users["district"], ent, stype, "无人受理", at=aware(2024, 3, 1, 9))
    send_overdue_warnings(datetime.date(2024, 3, 20))
    assert Notification.objects.filter(recipient=users["district"], dedupe_key=f"svc-overdue-{req.pk}").exists()
    assert not Notification.objects.filter(recipient=users["other_district"], kind="service_overdue").exists()


def _done(users, make_request, at, days_later, stype=None, rating=None):
    req = make_request(users["enterprise"], at=at, service_type=stype)
    actions.accept_request(req, users["commissioner"], at=at)
    actions.start_processing(req, users["commissioner"], at=at)
    req = actions.complete_request(req, users["commissioner"], "办结", at=at + datetime.timedelta(days=days_later))
    if rating:
        actions.rate_request(req, users["enterprise"], rating, at=at + datetime.timedelta(days=days_later, hours=1))
    return req


def test_figures_on_hand_made_records(users, make_request, calendar_type, make_enterprise, other_enterprise):
    # Four completed calendar-day requests (limit 2 days, former 10) taking 1, 1, 2 and 4 days.
    for day, took, rating in ((2, 1, 5), (9, 1, 4), (16, 2, None), (23, 4, None)):
        _done(users, make_request, aware(2024, 1, day, 9), took, calendar_type, rating)
    make_request(users["enterprise"], at=aware(2024, 2, 1, 9), service_type=calendar_type)   # still open
    make_request(users["enterprise"], at=aware(2023, 12, 1, 9), service_type=calendar_type)  # before the period
    ent = users["enterprise"].enterprise
    ProblemLogFactory(enterprise=ent, category="pledge", description="融资难", raised_on=datetime.date(2024, 1, 5),
                      solved=True, resolution="已对接", solved_on=datetime.date(2024, 1, 20))
    ProblemLogFactory(enterprise=ent, category="policy", description="政策", raised_on=datetime.date(2024, 2, 5))
    ProblemLogFactory(enterprise=other_enterprise["enterprise"], category="gb29490", description="贯标",
                      raised_on=datetime.date(2024, 2, 6), solved=True, resolution="已贯标",
                      solved_on=datetime.date(2024, 2, 10))
    f = service_indicators(None, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert f["service_requests"] == 5 and f["service_requests_completed"] == 4
    assert f["service_median_days"] == 1.5             # 1, 1, 2, 4
    assert f["service_p90_days"] == 4.0                # nearest rank: ceil(0.9·4) = 4th
    assert f["service_promised_median_days"] == 2.0 and f["service_former_median_days"] == 10.0
    assert f["service_time_saved_pct"] == 80.0         # 1 − 8/40
    assert f["service_limit_cut_pct"] == 80.0          # 1 − 8/40
    assert f["service_on_time_pct"] == 75.0            # 3 of 4 within 2 days
    assert f["service_satisfaction_avg"] == 4.5
    assert f["service_enterprises_served"] == 1
    assert (f["zjtx_enterprises"], f["zjtx_problems"], f["zjtx_problems_solved"]) == (2, 3, 2)
    # By region: 薛城区 has the requests and two problems, 滕州市 only its one solved problem.
    xc = service_indicators(users["district"].region, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    tz = service_indicators("370481", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert (xc["service_requests"], xc["zjtx_problems"]) == (5, 2)
    assert (tz["service_requests"], tz["zjtx_problems"], tz["zjtx_problems_solved"]) == (0, 1, 1)
    assert tz["service_median_days"] is None and tz["service_time_saved_pct"] is None


def test_figures_by_type_and_status(users, make_request, stype, calendar_type):
    make_request(users["enterprise"], service_type=stype)
    r = make_request(users["enterprise"], service_type=calendar_type)
    actions.accept_request(r, users["commissioner"])
    f = service_figures(ServiceRequest.objects.all(), ProblemLog.objects.all())
    assert f["service_requests_by_type"] == {"快速预审主体备案": 1, "政策咨询": 1}
    assert f["service_requests_by_status"] == {"已提出": 1, "已受理": 1}
    assert f["service_requests_open"] == 2


def test_problem_log_validation():
    p = ProblemLog(category="pledge", description="x", raised_on=datetime.date(2024, 2, 1), status="solved",
                   solved_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        p.clean()
    assert set(exc.value.message_dict) == {"solved_on", "resolution"}


def test_service_warnings_command(users, make_request):
    import io

    from django.core.management import CommandError, call_command
    make_request(users["enterprise"], at=aware(2024, 3, 1, 9))
    out = io.StringIO()
    call_command("service_warnings", "--date", "2024-03-20", stdout=out)
    assert "已发送 1 条" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("service_warnings", "--date", "2024/03/20")
