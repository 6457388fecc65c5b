from django.urls import path

from ipdesk.core.crud import crud_urls, void_urls
from ipdesk.core.exports import Column

from . import views
from .filters import ProblemLogFilter, ServiceTypeFilter
from .forms import ProblemLogForm, ServiceTypeForm
from .models import ProblemLog, ServiceRequest, ServiceType
from .tables import ProblemLogTable, ServiceTypeTable

app_name = "services"
BACK_OFFICE = views.BACK_OFFICE

urlpatterns = [
    path("", views.ServicesHomeView.as_view(), name="home"),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/add/", views.RequestCreateView.as_view(), name="request_add"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    *void_urls(ServiceRequest, "requests/"),  # before the steps: "void" is not a step
    path("requests/<int:pk>/<slug:step>/", views.RequestStepView.as_view(), name="request_step"),
    path("requests/<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(),
         name="request_attachment"),
    path("workbench/", views.WorkbenchView.as_view(), name="workbench"),
    path("portal/", views.PortalView.as_view(), name="portal"),
    path("portal/new/", views.RequestCreateView.as_view(portal=True), name="portal_new"),
    path("portal/assets/", views.PortalAssetsView.as_view(), name="portal_assets"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/assign/", views.AssignPickView.as_view(), name="assign_pick"),
    path("assignments/enterprise/<int:enterprise_pk>/", views.AssignView.as_view(), name="assign"),
    path("problems/by-enterprise/", views.ProblemCountsView.as_view(), name="problem_counts"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
urlpatterns += crud_urls(ServiceType, table=ServiceTypeTable, filterset=ServiceTypeFilter, form=ServiceTypeForm,
                         roles=BACK_OFFICE, deletable=False, prefix="types/",
                         export_columns=[Column("编码", "code"), Column("服务事项", "name"),
                                         Column("承诺时限", "promised_days"), Column("原时限", "former_days"),
                                         Column("计时方式", "get_day_unit_display")])
urlpatterns += crud_urls(ProblemLog, table=ProblemLogTable, filterset=ProblemLogFilter, form=ProblemLogForm,
                         roles=BACK_OFFICE, prefix="problems/",
                         export_columns=[Column("企业", "enterprise.name"), Column("统一社会信用代码", "enterprise.uscc"),
                                         Column("问题类别", "get_category_display"), Column("问题描述", "description"),
                                         Column("提出日期", "raised_on"), Column("状态", "get_status_display"),
                                         Column("解决情况", "resolution"), Column("解决日期", "solved_on")])
