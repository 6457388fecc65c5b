import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ipdesk.core.columns import BaseTable

from .indicators import label
from .models import Bulletin, HighValueCriterion, Target


class TargetTable(BaseTable):
    region = tables.Column(linkify=lambda record: record.get_absolute_url())
    indicator = tables.Column(verbose_name=_("指标"))

    class Meta:
        model = Target
        fields = ("region", "year", "indicator", "value", "note")

    def render_indicator(self, value):
        return label(value)


class BulletinTable(BaseTable):
    title = tables.Column(linkify=True)

    class Meta:
        model = Bulletin
        fields = ("title", "region", "year", "month", "as_of", "status", "published_at")


class HighValueCriterionTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = HighValueCriterion
        fields = ("kind", "name", "enabled", "threshold", "sort_order")
