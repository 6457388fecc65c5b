from ipdesk.core.crud import crud_urls
from ipdesk.core.exports import Column

from .filters import DictionaryEntryFilter, IndustryChainFilter, PopulationFilter, RegionFilter
from .forms import DictionaryEntryForm, IndustryChainForm, PopulationForm, RegionForm
from .models import DictionaryEntry, IndustryChain, Population, Region
from .tables import DictionaryEntryTable, IndustryChainTable, PopulationTable, RegionTable
from .views import PopulationListView

app_name = "regions"
urlpatterns = [
    *crud_urls(Region, table=RegionTable, filterset=RegionFilter, form=RegionForm, deletable=False, prefix="",
               export_columns=[Column("行政区划代码", "code"), Column("名称", "name"), Column("级别", "level"),
                               Column("上级代码", "parent.code")]),
    *crud_urls(Population, table=PopulationTable, filterset=PopulationFilter, form=PopulationForm,
               list_view=PopulationListView),
    *crud_urls(IndustryChain, table=IndustryChainTable, filterset=IndustryChainFilter, form=IndustryChainForm,
               prefix="industry-chains/"),
    *crud_urls(DictionaryEntry, table=DictionaryEntryTable, filterset=DictionaryEntryFilter, form=DictionaryEntryForm,
               prefix="dictionaries/"),
]
