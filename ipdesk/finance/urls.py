from django.urls import path

from ipdesk.core.crud import crud_urls
from ipdesk.core.exports import Column
from ipdesk.core.workflow import TransitionView

from . import views
from .filters import (FundedProjectFilter, InsuranceSubsidyRuleFilter,
                      MatchmakingEventFilter, PatentAwardFilter, StandardFilter, SubsidyRuleFilter, TrainingClassFilter)
from .forms import (FundedProjectForm, InsuranceSubsidyRuleForm, MatchmakingEventForm, PatentAwardForm,
                    ProjectMilestoneForm, StandardForm, SubsidyRuleForm, TrainingClassForm)
from .models import (FundedProject, InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication, MatchmakingEvent,
                     PatentAward, Pledge, ProjectMilestone, Standard, SubsidyRule, TrainingClass)
from .tables import (FundedProjectTable, InsuranceSubsidyRuleTable,
                     MatchmakingEventTable, PatentAwardTable, StandardTable, SubsidyRuleTable, TrainingClassTable)


app_name = "finance"
urlpatterns = [
    *crud_urls(Pledge, table=None, filterset=None, list_view=views.PledgeListView, detail_view=views.PledgeDetailView,
               prefix="pledges/"),
    path("pledges/add/", views.PledgeCreateView.as_view(), name="pledge_add"),
    path("pledges/import/", views.import_page("pledges"), name="pledge_import"),
    path("pledges/<int:pk>/edit/", views.PledgeUpdateView.as_view(), name="pledge_edit"),
    path("pledges/<int:pk>/release/", TransitionView.as_view(model=Pledge), {"name": "release"}, name="pledge_release"),
    *crud_urls(InterestSubsidyApplication, table=None, filterset=None, list_view=views.ApplicationListView,
               detail_view=views.ApplicationDetailView, prefix="subsidies/"),
    path("subsidies/add/", views.ApplicationCreateView.as_view(), name="interestsubsidyapplication_add"),
    path("subsidies/<int:pk>/edit/", views.ApplicationUpdateView.as_view(), name="interestsubsidyapplication_edit"),
    path("subsidies/<int:pk>/<slug:name>/", TransitionView.as_view(model=InterestSubsidyApplication),
         name="interestsubsidyapplication_decide"),
    *crud_urls(InsurancePolicy, table=None, filterset=None, list_view=views.PolicyListView,
               detail_view=views.PolicyDetailView, prefix="policies/"),
    path("policies/add/", views.PolicyCreateView.as_view(), name="insurancepolicy_add"),
    path("policies/import/", views.import_page("insurance_policies"), name="insurancepolicy_import"),
    path("policies/<int:pk>/edit/", views.PolicyUpdateView.as_view(), name="insurancepolicy_edit"),
    *crud_urls(SubsidyRule, table=SubsidyRuleTable, filterset=SubsidyRuleFilter, form=SubsidyRuleForm,
               prefix="subsidy-rules/", deletable=False),
    *crud_urls(InsuranceSubsidyRule, table=InsuranceSubsidyRuleTable, filterset=InsuranceSubsidyRuleFilter,
               form=InsuranceSubsidyRuleForm, prefix="insurance-rules/", deletable=False),
    *crud_urls(MatchmakingEvent, table=MatchmakingEventTable, filterset=MatchmakingEventFilter,
               form=MatchmakingEventForm, prefix="matchmaking/",
               export_columns=[Column("活动名称", "title"), Column("日期", "date"), Column("区划", "region.name"),
                               Column("地点", "location"), Column("参会人数", "attendee_count"),
                               Column("意向融资额（万元）", "intended_amount_10k_yuan")]),
    *crud_urls(FundedProject, table=FundedProjectTable, filterset=FundedProjectFilter, form=FundedProjectForm,
               detail_view=views.ProjectDetailView, prefix="projects/",
               export_columns=[Column("项目类别", "get_kind_display"), Column("项目名称", "name"),
                               Column("级别", "get_level_display"), Column("承担单位", "recipient_name"),
                               Column("区划", "region.name"), Column("年度", "year"),
                               Column("资助金额（万元）", "amount_10k_yuan"), Column("状态", "get_status_display")]),
    path("milestones/add/", views.MilestoneCreateView.as_view(), name="projectmilestone_add"),
    *crud_urls(ProjectMilestone, table=None, filterset=None, form=ProjectMilestoneForm, prefix="milestones/",
               deletable=False),
    *crud_urls(Standard, table=StandardTable, filterset=StandardFilter, form=StandardForm, prefix="standards/"),
    *crud_urls(PatentAward, table=PatentAwardTable, filterset=PatentAwardFilter, form=PatentAwardForm,
               prefix="awards/", export_columns=[Column("年度", "year"), Column("奖项", "get_kind_display"),
                                                 Column("等次", "get_grade_display"),
                                                 Column("获奖单位", "enterprise_name"),
                                                 Column("专利名称", "patent_title")]),
    *crud_urls(TrainingClass, table=TrainingClassTable, filterset=TrainingClassFilter, form=TrainingClassForm,
               prefix="training/"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
# Milestones have no list page of their own: they are listed on their project's page.
urlpatterns = [p for p in urlpatterns if getattr(p, "name", "") != "projectmilestone_list"]
