"""One /api/ root: every app's router is merged here, so the schema lists them all."""
from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

APPS = ["core", "accounts", "regions", "registry", "stats", "services", "protection", "finance", "compliance"]

root = DefaultRouter()
extra = []
for app in APPS:
    module = import_module(f"ipdesk.{app}.api")
    router = getattr(module, "router", None)
    if router is not None:
        root.registry.extend(router.registry)
    extra += getattr(module, "urlpatterns", [])

api_patterns = [path("", include(root.urls)), *extra]
