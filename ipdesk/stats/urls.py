from django.urls import path

from ipdesk.core.crud import crud_urls
from ipdesk.core.exports import Column
from ipdesk.core.scoping import STAFF_ROLES

from . import views
from .filters import HighValueCriterionFilter, TargetFilter
from .forms import HighValueCriterionForm, TargetForm
from .indicators import label
from .models import HighValueCriterion, Target
from .tables import HighValueCriterionTable, TargetTable

app_name = "stats"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("records/", views.RecordsView.as_view(), name="records"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/prepare/", views.BulletinPrepareView.as_view(), name="bulletin_prepare"),
    path("bulletins/<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/refresh/", views.BulletinRefreshView.as_view(), name="bulletin_refresh"),
    path("bulletins/<int:pk>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("bulletins/<int:pk>/download.<str:fmt>", views.BulletinDownloadView.as_view(), name="bulletin_download"),
    path("targets/import/", views.TargetImportView.as_view(), name="target_import"),
    *crud_urls(Target, table=TargetTable, filterset=TargetFilter, form=TargetForm, roles=STAFF_ROLES,
               list_view=type("TargetListView", (views.ObjectListView,), {
                   "model": Target, "roles": STAFF_ROLES, "table_class": TargetTable, "filterset_class": TargetFilter,
                   "create_url": "stats:target_add", "import_url": "stats:target_import",
                   "export_columns": [Column("区划代码", "region.code"), Column("年度", "year"),
                                      Column("指标", lambda t: label(t.indicator)), Column("目标值", "value"),
                                      Column("备注", "note")]})),
    *crud_urls(HighValueCriterion, table=HighValueCriterionTable, filterset=HighValueCriterionFilter,
               form=HighValueCriterionForm, roles=STAFF_ROLES, deletable=False, prefix="high-value-criteria/"),
]
