import django_filters
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet
from ipdesk.regions.filters import RegionChoiceFilter

from .forms import indicator_choices
from .models import Bulletin, BulletinStatus, HighValueCriterion, Target


class TargetFilter(FilterSet):
    region = RegionChoiceFilter(subtree=False)
    indicator = django_filters.ChoiceFilter(choices=indicator_choices, label=_("指标"))

    class Meta:
        model = Target
        fields = ["region", "year", "indicator"]


class BulletinFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=BulletinStatus.choices, label=_("状态"))

    class Meta:
        model = Bulletin
        fields = ["year", "month", "status"]


class HighValueCriterionFilter(FilterSet):
    class Meta:
        model = HighValueCriterion
        fields = ["enabled"]
