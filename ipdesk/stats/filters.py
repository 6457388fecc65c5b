import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Bulletin, BulletinStatus, HighValueCriterion, Target


class TargetFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", label=_("区划代码"))
    indicator = django_filters.CharFilter(label=_("指标编码"))

    class Meta:
        model = Target
        fields = ["region", "year", "indicator"]


class BulletinFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BulletinStatus.choices, label=_("状态"))

    class Meta:
        model = Bulletin
        fields = ["year", "month", "status"]


class HighValueCriterionFilter(django_filters.FilterSet):
    class Meta:
        model = HighValueCriterion
        fields = ["enabled"]
