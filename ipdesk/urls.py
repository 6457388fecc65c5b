from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ipdesk.core.api_urls import api_patterns

urlpatterns = [
    path("", include("ipdesk.core.urls")),
    path("accounts/", include("ipdesk.accounts.urls")),
    path("regions/", include("ipdesk.regions.urls")),
    path("registry/", include("ipdesk.registry.urls")),
    path("stats/", include("ipdesk.stats.urls")),
    path("services/", include("ipdesk.services.urls")),
    path("protection/", include("ipdesk.protection.urls")),
    path("finance/", include("ipdesk.finance.urls")),
    path("compliance/", include("ipdesk.compliance.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its start-up script as a file (?script), so the page runs under script-src 'self'
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("sysadmin/", admin.site.urls),
]
# No media serving, not even under DEBUG: uploaded files are reached only through the scoped download
# view (core.uploads.download_view), never by their path.
