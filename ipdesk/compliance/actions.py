"""State changes of agencies, abnormal applications and candidates. The steps of an application and of a
candidate are declared in compliance.workflows and taken through core.workflow (the step's form, then
perform: row lock, scope, state, guard, the typed event); the effects here change the record inside that
transaction, and an invalid change is refused with a coded ValidationError (error_codes.py) saying what is
allowed."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ipdesk.registry.matching import first_holder_enterprise

from . import events, rules
from .choices import ApplicationStatus as S
from .choices import (CANDIDATE_BEHAVIOUR, CandidateStatus, ComplaintStatus, CreditEvent, InspectionResult, PenaltyKind,
                      RuleKind)
from .error_codes import ComplianceErrorCode, error
from .models import AbnormalApplication, AbnormalBatch, Agency, CreditGradeRule


# ---- Assignment ------------------------------------------------------------------------------
def match_agency(name):
    from ipdesk.registry.rules import normalize_name
    if not (name or "").strip():
        return None
    return Agency.objects.filter(normalized_name=normalize_name(name)).first()


def placement_lookups():
    """registry.placement's gazetteer of this city and its region ids (registry.imports.city_placement): an
    application is placed exactly as a patent or an enterprise is by the import."""
    from ipdesk.registry.imports import city_placement
    return city_placement()


def place_application(address, enterprise=None, lookups=None):
    """(region id or None, outcome, basis) of an application by registry.placement.place — the one placement
    (SPEC section 4 order): the matched enterprise when its own region came from a strong signal, else the address
    only when it names this city, or no other place (济南市市中区 is outside; 枣庄市市中区 is 370402; 菏泽市中华路 is
    no 市中区: the short keyword 市中 is never used). `outcome` is registry.placement's PLACED / OUTSIDE / UNPLACED."""
    from ipdesk.registry import placement
    gazetteer, region_ids = lookups or placement_lookups()
    match = None
    if enterprise is not None and enterprise.region_id:
        match = (enterprise.region.code, enterprise.region_signal)
    found = placement.place(gazetteer, enterprise=match, address=address or "")
    region_id = region_ids.get(found.region) if found.region else None
    if region_id is None:
        return None, (placement.OUTSIDE if found.outcome == placement.OUTSIDE else placement.UNPLACED), ""
    return region_id, placement.PLACED, ("enterprise" if found.signal == "enterprise" else "address")


def assign(application, default_region=None, lookups=None, default_basis="default"):
    """Region and enterprise of an application: registry.placement (the matched enterprise placed by a strong
    signal, else the address), else the batch's default region (SPEC section 4 order). An address of another
    city is refused (the application is not this city's to verify). `lookups`: placement_lookups(), computed
    once by callers that assign many applications. `default_basis`: the basis recorded for `default_region` —
    "default" for the batch's, "record" for the region of the patent or detection lead a batch made from leads
    falls back to (an import of a list without addresses replaces a batch default, never such a region)."""
    from ipdesk.regions.models import Region
    from ipdesk.registry import placement
    # registry.matching: the first applicant (第一申请人), by its current name, else a former name (曾用名)
    enterprise = first_holder_enterprise(application.applicant)
    application.enterprise = enterprise
    application.agency = match_agency(application.agency_name)
    region_id, outcome, basis = place_application(application.address, enterprise, lookups)
    if region_id:
        application.region, application.region_basis = Region.objects.get(pk=region_id), basis
        return application
    if outcome == placement.OUTSIDE:
        raise ValidationError({"address": f"申请号 {application.application_no}：地址“{application.address}”属于本市以外"
                                          f"地区，不属本市核查范围；如申请人确在本市，请先在企业库中登记该申请人。"})
    if default_region is None:
        raise ValidationError({"region": f"申请号 {application.application_no}：无法确定所属区划（申请人未匹配企业、"
                                         f"地址“{application.address or '空'}”未能解析），请为批次指定默认区划。"})
    application.region, application.region_basis = default_region, default_basis
    return application


@transaction.atomic
def register_application(batch, user=None, lookups=None, default_basis="default", **fields):
    """Add one application to a batch, assigned to its region and agency, with its first events (`default_basis`:
    see assign)."""
    app = AbnormalApplication(batch=batch, **fields)
    app.status = S.NOTIFIED if app.notice_date else S.PENDING
    if app.notice_date and not app.deadline:  # no deadline given: the default reply period (rules.default_deadline)
        app.deadline = rules.default_deadline(app.notice_date)
    app.full_clean(exclude=["region", "enterprise", "agency", "batch"], validate_unique=False)
    assign(app, batch.default_region, lookups, default_basis)
    if AbnormalApplication.objects.filter(batch=batch, application_no=app.application_no).exists():
        raise ValidationError({"application_no": f"申请号 {app.application_no} 已在本批次中。"})
    app.save()
    today = timezone.localdate()
    events.registered(app, batch.received or today, user, f"归属依据：{app.get_region_basis_display()}")
    if app.notice_date:
        events.notified(app, app.notice_date, user, f"答复期限 {app.deadline}" if app.deadline else "")
    return app


# ---- Transitions (declared in compliance.workflows, taken through core.workflow.perform) -------------
def mover(target):
    """The effect of moving a (locked) application to `target`: dates, status, the agency's credit (the event:
    core.workflow.perform, compliance.workflows)."""
    def move(app, user, data):
        date = data["date"]
        if target == S.NOTIFIED:
            deadline = data.get("deadline") or app.deadline
            deadline = deadline or rules.default_deadline(date)  # none given: the default reply period
            if deadline < date:
                raise error(ComplianceErrorCode.DEADLINE_BEFORE_NOTICE, field="deadline")
            app.notice_date, app.deadline = date, deadline
        app.status = target
        if target not in rules.OPEN_STATES:
            app.closed_on = date
        app.save()
        if app.agency_id and target in (S.UPHELD, S.DEEMED_WITHDRAWN):
            recompute_credit(app.agency)
        return app
    move.__name__ = f"move_to_{target}"
    return move


def transition(application, target, user=None, date=None, note="", deadline=None):
    """Move an application along notice → withdrawal or statement → outcome (`user` None: an import or the
    system). The step for `target` is the one compliance.workflows declares; its form checks the input."""
    from ipdesk.core.workflow import submit, workflow_for
    name = workflow_for(application).choose(application, {"status": target})
    app = submit(application, name, user, {"date": date, "note": note, "deadline": deadline})
    application.refresh_from_db()
    return app


# ---- Credit ------------------------------------------------------------------------------------
def credit_rules():
    """(deductions, grades, window_years) from the office's rules, or the defaults when none are set."""
    active = list(CreditGradeRule.objects.filter(is_active=True))
    deductions = {r.event: r.points for r in active if r.kind == RuleKind.DEDUCTION} or dict(rules.DEFAULT_DEDUCTIONS)
    grades = [(r.grade, r.min_score) for r in active if r.kind == RuleKind.GRADE] or list(rules.DEFAULT_GRADES)
    window = max([r.window_years for r in active] or [3])
    return deductions, grades, window


def credit_events(agency, since):
    penalty_event = {PenaltyKind.WARNING: CreditEvent.PENALTY_WARNING, PenaltyKind.FINE: CreditEvent.PENALTY_FINE,
                     PenaltyKind.SUSPEND: CreditEvent.PENALTY_SUSPEND, PenaltyKind.REVOKE: CreditEvent.PENALTY_REVOKE}
    counts = {
        CreditEvent.INSPECTION_BASIC: agency.inspections.filter(date__gte=since, result=InspectionResult.BASIC).count(),
        CreditEvent.INSPECTION_UNQUALIFIED: agency.inspections.filter(date__gte=since,
                                                                      result=InspectionResult.UNQUALIFIED).count(),
        CreditEvent.COMPLAINT: agency.complaints.filter(received__gte=since, status=ComplaintStatus.SUBSTANTIATED).count(),
        # A voluntary withdrawal is the remedy; an application found abnormal after a statement, or
        # left unanswered until deemed withdrawn, counts against the agency that filed it.
        CreditEvent.ABNORMAL: agency.abnormal_applications.filter(
            status__in=[S.UPHELD, S.DEEMED_WITHDRAWN], closed_on__gte=since).count(),
    }
    for p in agency.penalties.filter(date__gte=since):
        counts[penalty_event[p.kind]] = counts.get(penalty_event[p.kind], 0) + 1
    return counts


def recompute_credit(agency, today=None):
    """Score and grade of an agency by the office's rules (saved only when they change)."""
    deductions, grades, window = credit_rules()
    today = today or timezone.localdate()
    since = today.replace(year=today.year - window) if not (today.month == 2 and today.day == 29) \
        else today - datetime.timedelta(days=365 * window)
    counts = credit_events(agency, since)
    score = rules.credit_score(counts, deductions)
    grade = rules.credit_grade(score, grades)
    if (agency.credit_score, agency.credit_grade) != (score, grade):
        agency.credit_score, agency.credit_grade = score, grade
        agency.save(update_fields=["credit_score", "credit_grade"])
    return score, grade, counts


# ---- Candidates ----------------------------------------------------------------------------------
REVIEW_STEPS = {CandidateStatus.REVIEWED: "review", CandidateStatus.DISMISSED: "dismiss", CandidateStatus.NEW: "reopen"}


def reviewer(target):
    """The effect of a review step on the locked candidate: the result `target`, the note, who and when."""
    def record_review(candidate, user, data):
        candidate.status, candidate.review_note = target, data.get("note") or candidate.review_note
        candidate.reviewed_by, candidate.reviewed_at = user, timezone.now()
        candidate.save()
        return candidate
    record_review.__name__ = f"review_as_{target}"
    return record_review


def review_candidate(candidate, status, user, note=""):
    from ipdesk.core.workflow import submit, workflow_for
    submit(candidate, workflow_for(candidate).choose(candidate, {"status": status}), user, {"note": note})
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def create_batch_from_candidates(candidates, user, name, default_region=None, received=None):
    """A verification batch (source: our own detection) holding every application of the selected
    candidates, each `pending` (待通知) until an officer serves the notice: nothing goes out by itself."""
    from ipdesk.registry.models import Patent
    from ipdesk.registry.rules import split_names
    candidates = list(candidates)
    if not candidates:
        raise ValidationError({"candidates": "请至少选择一条线索。"})
    used = [c for c in candidates if c.status in (CandidateStatus.BATCHED, CandidateStatus.DISMISSED)]
    if used:
        raise ValidationError({"candidates": "以下线索已转批次或已排除，不能再转：" + "；".join(str(c.pk) for c in used)})
    if not (name or "").strip():
        raise ValidationError({"name": "请填写批次名称。"})
    batch = AbnormalBatch.objects.create(name=name.strip(), source="detection", received=received or timezone.localdate(),
                                         default_region=default_region,
                                         note="由筛查线索生成：" + "、".join(f"#{c.pk}" for c in candidates))
    lookups = placement_lookups()
    seen = set()
    for c in candidates:
        behaviour = CANDIDATE_BEHAVIOUR[c.kind]
        for no in c.application_nos:
            if no in seen:
                continue
            seen.add(no)
            patent = Patent.objects.filter(application_no=no).first()
            applicants = split_names(patent.applicants) if patent else []
            region_default = default_region or (patent.region if patent else None) or c.region
            batch.default_region = region_default
            register_application(batch, user, lookups, default_basis="default" if default_region else "record",
                                 application_no=no, title=patent.title if patent else "",
                                 applicant=(applicants[0] if applicants else (patent.holder_name if patent else "")) or "未知",
                                 address=patent.address if patent else "", agency_name=patent.agency if patent else "",
                                 behaviour=behaviour)
        c.status, c.batch, c.reviewed_by, c.reviewed_at = CandidateStatus.BATCHED, batch, user, timezone.now()
        c.save()
    batch.default_region = default_region
    batch.save()
    return batch
