"""China Patent Award (中国专利奖) winners feed the high-value criterion "award" of ipdesk.stats.

CNIPA counts an invention patent that won the China Patent Award (or a national S&T award) as
high-value; provincial awards do not count. stats keeps the awarded application numbers as
configuration (HighValueCriterion kind "award"); recording an award with its patent here adds the
number there, and deleting the last such award removes it, so the office keeps one list.
"""
from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .choices import AwardKind
from .models import PatentAward


def _criterion():
    try:
        model = apps.get_model("stats", "HighValueCriterion")
    except LookupError:
        return None
    return model.objects.filter(kind="award").first()


def sync_award_criterion(application_no, present):
    criterion = _criterion()
    if criterion is None or not application_no:
        return
    numbers = [n.strip() for n in criterion.application_numbers.splitlines() if n.strip()]
    if present and application_no not in numbers:
        numbers.append(application_no)
    elif not present and application_no in numbers:
        numbers.remove(application_no)
    else:
        return
    criterion.application_numbers = "\n".join(numbers)
    criterion.save(update_fields=["application_numbers"])


def _still_awarded(patent_id):
    return PatentAward.objects.filter(kind=AwardKind.CHINA, patent_id=patent_id).exists()


@receiver(post_save, sender=PatentAward)
def award_saved(sender, instance, **kwargs):
    if instance.patent_id is not None:
        sync_award_criterion(instance.patent.application_no, _still_awarded(instance.patent_id))


@receiver(post_delete, sender=PatentAward)
def award_deleted(sender, instance, **kwargs):
    if instance.patent_id is not None and not _still_awarded(instance.patent_id):
        from ipdesk.registry.models import Patent
        patent = Patent.objects.filter(pk=instance.patent_id).first()
        if patent is not None:
            sync_award_criterion(patent.application_no, False)
