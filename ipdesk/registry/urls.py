from django.urls import path

from ipdesk.core.crud import crud_urls
from ipdesk.core.import_views import ImportView

from . import views
from .filters import CultivationFilter
from .forms import (ContactForm, CultivationForm, EnterpriseForm, GIProductForm, PatentForm, PctApplicationForm,
                    TrademarkForm)
from .models import Contact, CultivationMembership, Enterprise, GIProduct, Patent, PatentEvent, PctApplication, Trademark
from .tables import CultivationTable

from .models import SeiRule
from .sei_api import SeiRuleFilter
from .sei_views import SeiRuleForm, SeiRuleTable

app_name = "registry"
urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("owners/unmatched/", views.UnmatchedOwnersView.as_view(), name="unmatched_owners"),
    path("patents/<int:pk>/events/add/", views.PatentEventCreateView.as_view(), name="patent_event_add"),
    path("enterprises/import/", ImportView.as_view(kind="enterprises"), name="enterprise_import"),
    path("patents/import/", ImportView.as_view(kind="patents"), name="patent_import"),
    path("trademarks/import/", ImportView.as_view(kind="trademarks"), name="trademark_import"),
    path("events/import/", ImportView.as_view(kind="events"), name="patentevent_import"),
    path("pct/import/", ImportView.as_view(kind="pct_applications"), name="pctapplication_import"),
    path("gi-products/import/", ImportView.as_view(kind="gi_products"), name="giproduct_import"),
    *crud_urls(Enterprise, table=None, filterset=None, form=EnterpriseForm, list_view=views.EnterpriseListView,
               detail_view=views.EnterpriseDetailView, deletable=False),
    *crud_urls(Patent, table=None, filterset=None, form=PatentForm, list_view=views.PatentListView,
               detail_view=views.PatentDetailView),
    *crud_urls(PctApplication, table=None, filterset=None, form=PctApplicationForm,
               list_view=views.PctApplicationListView, detail_view=views.PctApplicationDetailView, prefix="pct/"),
    *crud_urls(PatentEvent, table=None, filterset=None, list_view=views.PatentEventListView,
               detail_view=views.PatentEventDetailView, prefix="events/"),
    *crud_urls(Trademark, table=None, filterset=None, form=TrademarkForm, list_view=views.TrademarkListView),
    *crud_urls(GIProduct, table=None, filterset=None, form=GIProductForm, list_view=views.GIProductListView,
               prefix="gi-products/"),
    *crud_urls(CultivationMembership, table=CultivationTable, filterset=CultivationFilter, form=CultivationForm,
               prefix="cultivation/"),
    *crud_urls(SeiRule, table=SeiRuleTable, filterset=SeiRuleFilter, form=SeiRuleForm, deletable=False,
               prefix="sei-rules/"),
    *crud_urls(Contact, table=None, filterset=None, form=ContactForm, list_view=views.ContactListView,
               detail_view=views.ContactDetailView),
]
