from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("sysadmin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
