from django.urls import path

from ipdesk.core.crud import crud_urls
from ipdesk.core.exports import Column

from ipdesk.core.import_views import ImportView
from ipdesk.core.views import ObjectListView
from ipdesk.core.workflow import TransitionView

from . import views
from .filters import (AbnormalApplicationFilter, AbnormalBatchFilter, AgencyFilter, AgentFilter, ComplaintFilter,
                      CreditGradeRuleFilter, InspectionFilter, PenaltyFilter)
from .forms import (AbnormalBatchForm, AgencyForm, AgentForm, ComplaintForm, CreditGradeRuleForm, InspectionForm,
                    PenaltyForm)
from .models import (AbnormalApplication, AbnormalBatch, Agency, Agent, Candidate, Complaint, CreditGradeRule,
                     Inspection, Penalty)
from .tables import (AbnormalApplicationTable, AbnormalBatchTable, AgencyTable, AgentTable, ComplaintTable,
                     CreditGradeRuleTable, InspectionTable, PenaltyTable)

app_name = "compliance"

APPLICATION_COLUMNS = [
    Column("申请号", "application_no"), Column("名称", "title"), Column("申请人", "applicant"),
    Column("申请人地址", "address"), Column("代理机构", "agency_name"), Column("行为类型", "get_behaviour_display"),
    Column("通知日期", "notice_date"), Column("答复期限", "deadline"), Column("所属区划", "region.name"),
    Column("所属区划代码", "region.code"), Column("状态", "get_status_display"), Column("批次", "batch.name"),
]



class BatchListView(ObjectListView):
    model = AbnormalBatch
    table_class = AbnormalBatchTable
    filterset_class = AbnormalBatchFilter
    create_url = "compliance:abnormalbatch_add"
    import_url = "compliance:abnormalapplication_import"


class ApplicationListView(ObjectListView):
    model = AbnormalApplication
    table_class = AbnormalApplicationTable
    filterset_class = AbnormalApplicationFilter
    export_columns = APPLICATION_COLUMNS
    export_name = "非正常专利申请"
    import_url = "compliance:abnormalapplication_import"


urlpatterns = [
    path("applications/import/", ImportView.as_view(kind="abnormal_applications"), name="abnormalapplication_import"),
    *crud_urls(Agency, table=AgencyTable, filterset=AgencyFilter, form=AgencyForm, prefix="agencies/",
               detail_view=views.AgencyDetailView, deletable=False,
               export_columns=[Column("机构名称", "name"), Column("统一社会信用代码", "uscc"),
                               Column("执业许可证号", "licence_no"), Column("行政区划代码", "region.code"),
                               Column("地址", "address"), Column("信用分", "credit_score"), Column("信用等级", "credit_grade")]),
    *crud_urls(Agent, table=AgentTable, filterset=AgentFilter, form=AgentForm, prefix="agents/",
               list_view=views.AgentListView, detail_view=views.AgentDetailView),
    *crud_urls(Inspection, table=InspectionTable, filterset=InspectionFilter, form=InspectionForm, prefix="inspections/"),
    *crud_urls(Complaint, table=ComplaintTable, filterset=ComplaintFilter, form=ComplaintForm, prefix="complaints/"),
    *crud_urls(Penalty, table=PenaltyTable, filterset=PenaltyFilter, form=PenaltyForm, prefix="penalties/"),
    *crud_urls(CreditGradeRule, table=CreditGradeRuleTable, filterset=CreditGradeRuleFilter, form=CreditGradeRuleForm,
               prefix="credit-rules/"),
    *crud_urls(AbnormalBatch, table=AbnormalBatchTable, filterset=AbnormalBatchFilter, form=AbnormalBatchForm,
               prefix="batches/", detail_view=views.BatchDetailView, list_view=BatchListView, deletable=False),
    path("batches/<int:batch>/add/", views.ApplicationAddView.as_view(), name="abnormalapplication_add"),
    *crud_urls(AbnormalApplication, table=AbnormalApplicationTable, filterset=AbnormalApplicationFilter,
               prefix="applications/", detail_view=views.ApplicationDetailView, list_view=ApplicationListView,
               export_columns=APPLICATION_COLUMNS),
    path("applications/<int:pk>/transition/", TransitionView.as_view(model=AbnormalApplication),
         name="abnormalapplication_transition"),
    path("withdrawal-rates/", views.WithdrawalRateView.as_view(), name="withdrawal_rates"),
    path("candidates/", views.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("candidates/<int:pk>/review/", TransitionView.as_view(model=Candidate), name="candidate_review"),
    path("candidates/create-batch/", views.candidate_create_batch, name="candidate_create_batch"),
    path("candidates/run/", views.run_detection, name="run_detection"),
]
