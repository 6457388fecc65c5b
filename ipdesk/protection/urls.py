from django.urls import path

from ipdesk.core.crud import crud_urls
from ipdesk.core.exports import Column, mask_phone
from ipdesk.core.scoping import OFFICERS
from ipdesk.core.views import ObjectCreateView, ObjectUpdateView
from ipdesk.core.workflow import TransitionView

from . import filters, forms, tables, views
from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, DocumentTemplate, ServiceStation,
                     StationService, TimeLimitRule)

app_name = "protection"

def _case_views(model, name, form):
    """Detail, print and action pages of a case model, plus add/edit pages for officers only
    (lawyers work assigned cases through the step buttons; enterprises apply through their own page)."""
    m = model._meta.model_name
    detail = type(f"{model.__name__}DetailPage", (views.CaseDetailView,), {"model": model})
    printable = type(f"{model.__name__}PrintPage", (views.CasePrintView,), {"model": model})
    attrs = {"model": model, "form_class": form, "roles": OFFICERS}
    return detail, [
        path(f"{name}/add/", type(f"{model.__name__}AddPage", (ObjectCreateView,), attrs).as_view(), name=f"{m}_add"),
        path(f"{name}/<int:pk>/edit/", type(f"{model.__name__}EditPage", (ObjectUpdateView,), attrs).as_view(),
             name=f"{m}_edit"),
        path(f"{name}/<int:pk>/print/", printable.as_view(), name=f"{m}_print"),
        path(f"{name}/<int:pk>/act/<slug:name>/", TransitionView.as_view(model=model), name=f"{m}_act"),
    ]


def _case_list(model, table, filterset, columns):
    return type(f"{model.__name__}ListPage", (views.CaseListView,), {
        "model": model, "table_class": table, "filterset_class": filterset, "export_columns": columns,
        "create_url": f"protection:{model._meta.model_name}_add"})


assistance_detail, assistance_extra = _case_views(AssistanceCase, "assistance", forms.AssistanceCaseForm)
adjudication_detail, adjudication_extra = _case_views(AdjudicationCase, "adjudications", forms.AdjudicationCaseForm)
cooperation_detail, cooperation_extra = _case_views(CooperationCase, "cooperation", forms.CooperationCaseForm)

ASSISTANCE_COLUMNS = [Column("案件编号", "number"), Column("案由", "title"), Column("来源", "get_source_display"),
                      Column("权利类型", "get_right_type_display"), Column("海外纠纷", "is_overseas"),
                      Column("求助企业", "enterprise.name"), Column("统一社会信用代码", "enterprise.uscc"),
                      Column("行政区划代码", "region.code"), Column("对方当事人", "other_party"),
                      Column("承办人", "handler"), Column("状态", "get_status_display"),
                      Column("受理日期", "received_on"), Column("办结日期", "closed_on"),
                      Column("办理结果", "get_outcome_display"), Column("转办单位", "referred_to")]
ADJUDICATION_COLUMNS = [Column("案号", "number"), Column("案由", "title"), Column("请求人", "requester_name"),
                        Column("被请求人", "respondent_name"), Column("专利号", "patent_no"),
                        Column("行政区划代码", "region.code"), Column("状态", "get_status_display"),
                        Column("收到请求书日期", "received_on"), Column("立案日期", "filed_on"),
                        Column("口头审理日期", "hearing_on"), Column("结案日期", "concluded_on"),
                        Column("送达日期", "served_on"), Column("认定侵权", "infringement_found"),
                        Column("办案人员", lambda c: "、".join(str(u) for u in c.handlers.all()))]
COOPERATION_COLUMNS = [Column("编号", "number"), Column("类型", "get_kind_display"), Column("事项", "title"),
                       Column("接收单位", "receiving_body"), Column("当事人", "parties"),
                       Column("行政区划代码", "region.code"), Column("状态", "get_status_display"),
                       Column("移送日期", "received_on"), Column("回复日期", "replied_on"), Column("对方回复", "reply"),
                       Column("结果", "get_result_display")]
STATION_COLUMNS = [Column("类型", "get_kind_display"), Column("名称", "name"), Column("依托单位", "host"),
                   Column("行政区划代码", "region.code"), Column("地址", "address"), Column("联系人", "contact_name"),
                   Column("联系电话", "contact_phone", mask=mask_phone), Column("设立日期", "established_on"),
                   Column("运行中", "is_active")]

urlpatterns = [
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("assistance/apply/", views.AssistanceApplyView.as_view(), name="assistance_apply"),
    *crud_urls(AssistanceCase, table=tables.AssistanceCaseTable, filterset=filters.AssistanceCaseFilter, detail_view=assistance_detail, prefix="assistance/",
               list_view=_case_list(AssistanceCase, tables.AssistanceCaseTable, filters.AssistanceCaseFilter, ASSISTANCE_COLUMNS)),
    *assistance_extra,
    *crud_urls(AdjudicationCase, table=tables.AdjudicationCaseTable, filterset=filters.AdjudicationCaseFilter, detail_view=adjudication_detail, prefix="adjudications/",
               list_view=_case_list(AdjudicationCase, tables.AdjudicationCaseTable, filters.AdjudicationCaseFilter, ADJUDICATION_COLUMNS)),
    *adjudication_extra,
    path("adjudications/<int:pk>/documents/<slug:kind>/", views.CaseDocumentView.as_view(), name="case_document"),
    *crud_urls(CooperationCase, table=tables.CooperationCaseTable, filterset=filters.CooperationCaseFilter, detail_view=cooperation_detail, prefix="cooperation/",
               list_view=_case_list(CooperationCase, tables.CooperationCaseTable, filters.CooperationCaseFilter, COOPERATION_COLUMNS)),
    *cooperation_extra,
    *crud_urls(ServiceStation, table=tables.ServiceStationTable, filterset=filters.ServiceStationFilter,
               form=forms.ServiceStationForm, export_columns=STATION_COLUMNS, prefix="stations/"),
    *crud_urls(StationService, table=tables.StationServiceTable, filterset=filters.StationServiceFilter,
               form=forms.StationServiceForm, prefix="station-services/"),
    *crud_urls(CalendarDay, table=tables.CalendarDayTable, filterset=filters.CalendarDayFilter,
               form=forms.CalendarDayForm, prefix="calendar/"),
    *crud_urls(TimeLimitRule, table=tables.TimeLimitRuleTable, filterset=filters.TimeLimitRuleFilter,
               form=forms.TimeLimitRuleForm, prefix="time-limits/", deletable=False),
    *crud_urls(DocumentTemplate, table=tables.DocumentTemplateTable, filterset=filters.DocumentTemplateFilter,
               form=forms.DocumentTemplateForm, prefix="templates/", detail_view=type(
                   "DocumentTemplateDetailPage", (views.TemplateDetailView,), {"model": DocumentTemplate})),
    path("templates/<int:pk>/download/", views.TemplateDownloadView.as_view(), name="documenttemplate_download"),
]
