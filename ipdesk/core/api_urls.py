"""One /api/ root: every app's router is merged here, so the schema lists them all.

The apps name their API modules in their AppConfig.ready() (core.extensions.register_api), in
INSTALLED_APPS order; core names none of them."""
from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .extensions import registry

root = DefaultRouter()
extra = []
for module_name in registry["api_modules"]:
    module = import_module(module_name)
    router = getattr(module, "router", None)
    if router is not None:
        root.registry.extend(router.registry)
    extra += getattr(module, "urlpatterns", [])

api_patterns = [path("", include(root.urls)), *extra]
