"""Pages of the regions app that need more than core.crud's generic ones."""
from ipdesk.core.exports import Column
from ipdesk.core.views import ObjectListView

from .filters import PopulationFilter
from .models import Population
from .tables import PopulationTable


class PopulationListView(ObjectListView):
    """年末人口: the generic list, plus where a parent's figure and its children's do not add up (e.g. the 2020
    census of 枣庄: 高新区 is reported apart, so the six districts do not make the city's 3,855,601)."""
    model = Population
    table_class = PopulationTable
    filterset_class = PopulationFilter
    template_name = "regions/population_list.html"
    create_url = "regions:population_add"
    export_columns = [Column("行政区划代码", "region.code"), Column("区划", "region.name"), Column("年份", "year"),
                      Column("年末人口", "population"), Column("估算", lambda p: "是" if p.is_estimate else ""),
                      Column("来源", "source")]

    def get_context_data(self, **kwargs):
        from .setup import population_gaps
        ctx = super().get_context_data(**kwargs)
        ctx["gaps"] = population_gaps(Population.objects.restrict(self.request.user).select_related("region"))
        return ctx
