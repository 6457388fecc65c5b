"""State changes of registry records, each leaving a typed row behind (PatentEvent) and an audit entry.

- `apply_event(patent, event)`: what a legal-status event does to its patent (grant, transfer, lapse,
  restoration, invalidation, expiry);
- `record_event(patent, kind, date, user, …)`: an officer records an event by hand;
- `resolve_owner(holder_name, enterprise, user)`: an officer links an unmatched owner name to an
  enterprise; the name is kept as a former name so later imports match by themselves.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .choices import LegalStatus, PatentEventKind
from .matching import enterprise_named
from .models import EnterpriseNameHistory, Patent, PatentEvent

# What each event kind makes of the patent's legal status.
STATUS_AFTER = {
    PatentEventKind.GRANT: LegalStatus.VALID,
    PatentEventKind.LAPSE: LegalStatus.LAPSED,
    PatentEventKind.RESTORATION: LegalStatus.VALID,
    PatentEventKind.INVALIDATION: LegalStatus.REVOKED,
    PatentEventKind.EXPIRY: LegalStatus.EXPIRED,
}


def apply_event(patent, event):
    """Bring the patent in line with one event (only when it is the latest event of the patent)."""
    later = patent.events.filter(date__gt=event.date).exists() if patent.pk else False
    if later:
        return patent  # a later event already decides the current state
    kind = event.kind
    if kind == PatentEventKind.GRANT:
        patent.grant_date = patent.grant_date or event.date
    if kind in STATUS_AFTER:
        patent.legal_status = STATUS_AFTER[kind]
    if kind in (PatentEventKind.LAPSE, PatentEventKind.INVALIDATION, PatentEventKind.EXPIRY):
        patent.lapse_date = event.date
    if kind == PatentEventKind.RESTORATION:
        patent.lapse_date = None
    if kind == PatentEventKind.TRANSFER and event.owner_after:
        patent.current_owner = event.owner_after
        patent.holder_name = rules.first_name(event.owner_after)[:200]
        match = enterprise_named(patent.holder_name)
        patent.holder = match
        patent.region_id = event.region_after_id or (match.region_id if match else None)
        if event.domestic_after is not None:
            patent.is_domestic = event.domestic_after
    patent.save()
    return patent


def apply_imported_events(created, ctx=None):
    """After an events import: apply the new events to their patents, oldest first."""
    for values in sorted(created, key=lambda v: (v["patent_id"], v["date"])):
        event = PatentEvent.objects.filter(patent_id=values["patent_id"], kind=values["kind"], date=values["date"],
                                           owner_after=values["owner_after"]).select_related("patent").first()
        if event is not None:
            apply_event(event.patent, event)


def record_event(patent, kind, date, user=None, owner_after="", note="", region_after=None):
    """An officer records a legal-status event by hand (source "manual")."""
    if kind not in PatentEventKind.values:
        raise ValidationError(_("未知的事件类型：%(kind)s") % {"kind": kind})
    if patent.filing_date and date < patent.filing_date:
        raise ValidationError(_("事件日期不能早于申请日 %(d)s") % {"d": patent.filing_date})
    if kind == PatentEventKind.TRANSFER and not owner_after:
        raise ValidationError(_("转让事件须填写变更后权利人"))
    with transaction.atomic():
        event = PatentEvent.objects.create(
            patent=patent, kind=kind, date=date, owner_before=patent.holder_name if kind == "transfer" else "",
            owner_after=owner_after, region_before=patent.region, region_after=region_after, note=note,
            source="manual")
        apply_event(patent, event)
    return event


def unmatched_owners(queryset):
    """Holder names of domestic patents that match no enterprise, with their patent counts (待匹配权利人)."""
    from django.db.models import Count
    return (queryset.filter(holder__isnull=True, is_domestic=True).values("holder_name")
            .annotate(patents=Count("id")).order_by("-patents", "holder_name"))


def resolve_owner(holder_name, enterprise, user=None, queryset=None):
    """Link every unmatched patent of `holder_name` (within `queryset`, the user's scope) to `enterprise`,
    and remember the name as a former name of the enterprise. Returns how many patents were linked."""
    if not holder_name:
        raise ValidationError(_("请填写权利人名称"))
    key = rules.normalize_name(holder_name)
    with transaction.atomic():
        qs = (queryset if queryset is not None else Patent.objects.all()).filter(holder__isnull=True)
        patents = [p for p in qs.filter(holder_name=holder_name)] or \
            [p for p in qs if rules.normalize_name(p.holder_name) == key]
        for patent in patents:
            patent.holder = enterprise
            patent.region = patent.region or enterprise.region
            patent.save()
        if key != enterprise.normalized_name and \
                not EnterpriseNameHistory.objects.filter(enterprise=enterprise, normalized_name=key).exists():
            EnterpriseNameHistory.objects.create(enterprise=enterprise, name=holder_name)
    return len(patents)
