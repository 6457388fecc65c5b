"""Keep an agency's credit grade current when its supervision record or the office's rules change."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Complaint, CreditGradeRule, Inspection, Penalty


@receiver([post_save, post_delete], sender=Inspection)
@receiver([post_save, post_delete], sender=Complaint)
@receiver([post_save, post_delete], sender=Penalty)
def _record_changed(sender, instance, **kwargs):
    from .actions import recompute_credit
    from .models import Agency
    agency = Agency.objects.filter(pk=instance.agency_id).first()
    if agency is not None:
        recompute_credit(agency)


@receiver([post_save, post_delete], sender=CreditGradeRule)
def _rules_changed(sender, instance, **kwargs):
    from .actions import recompute_credit
    from .models import Agency
    for agency in Agency.objects.all():
        recompute_credit(agency)
