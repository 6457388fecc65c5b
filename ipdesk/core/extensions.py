"""Extension points (扩展点): the one registry the apps fill, so `core` names no app.

`core` is the platform every app builds on; it must not import an app (tests/core/test_layers.py checks).
Where core needs something only an app knows — which modules hold API routers, how to load an app's demo
records, which model is the administrative region, what a searchable select offers — the app registers it
here from its `AppConfig.ready()`, and core reads it. The shape follows NetBox's `netbox/registry.py`: a dict of named
stores fixed when the module loads (a misspelt store is a KeyError, not a silent new key), each store
mutable. Apps' `ready()` run in INSTALLED_APPS order, so list stores keep that order (the API root lists
the apps' routes in it).

Called `extensions` rather than `registry` so it is not taken for the registry app (ipdesk.registry,
知识产权登记).

Other registries apps already fill stay where they are and work the same way: menus (`nav` on each
AppConfig, core.context_processors), import kinds (core.imports.register), figures
(core.indicators), legal bases (core.basis), job handlers (core.jobs.job_handler, kept in the
"job_handlers" store below).
"""
from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string


class Registry(dict):
    """Named stores; once created, no store can be added or removed (the value of each is mutable)."""

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            raise KeyError(f"no extension store {key!r}") from None

    def __setitem__(self, key, value):
        raise TypeError("extension stores are fixed; register into an existing store")

    def __delitem__(self, key):
        raise TypeError("extension stores cannot be deleted")


@dataclass(frozen=True)
class DemoLoader:
    """One step of `ipdesk load_demo`: the function `load(stdout)` (its dotted path, imported when the
    demo is loaded, not at every start-up), idempotent. Steps run by `order`, then registration
    order (INSTALLED_APPS). A `reference` step (the city's regions) runs first, on its own, as the setup
    command it is; the others run as the demo loader (audit request id "load_demo"), each in a transaction."""
    app: str
    load: str
    order: int = 100
    reference: bool = False

    def function(self):
        return import_string(self.load)


registry = Registry({
    "api_modules": [],       # dotted paths of modules with a DRF `router` and/or `urlpatterns` (core.api_urls)
    "autocomplete": {},      # kind -> dotted path of answer(user, q) -> (rows, text of a row) (core.autocomplete)
    "demo_loaders": [],      # DemoLoader (core.management.commands.load_demo)
    "job_handlers": {},      # job kind -> handler(job, **params) (core.jobs)
    "models": {},            # a role core knows ("region") -> "app_label.ModelName" of the model that plays it
})


def register_api(module):
    """The module `module` (dotted path) has a `router` and/or `urlpatterns` to add under /api/."""
    if module not in registry["api_modules"]:
        registry["api_modules"].append(module)


def register_autocomplete(kind, answer):
    """GET /autocomplete/<kind>/ answers with the function at the dotted path `answer`: `answer(user, q)` returns
    the rows `user` may choose that match `q` (a queryset, ordered) and the text shown for a row."""
    registry["autocomplete"][kind] = answer


def autocomplete_answer(kind):
    """The answer function of `kind`, or None."""
    path = registry["autocomplete"].get(kind)
    return import_string(path) if path else None


def register_demo_loader(app, load, *, order=100, reference=False):
    """The function at the dotted path `load`, `load(stdout)`, is one step of `ipdesk load_demo` (DemoLoader)."""
    if not any(step.app == app and step.load == load for step in registry["demo_loaders"]):
        registry["demo_loaders"].append(DemoLoader(app, load, order, reference))


def demo_loaders():
    """The steps of `ipdesk load_demo`, in the order they run: reference data, then by order."""
    return sorted(registry["demo_loaders"], key=lambda step: (not step.reference, step.order))


def register_model(role, label):
    """The model `label` ("regions.Region") plays `role` ("region") for core."""
    registry["models"][role] = label


def model(role):
    """The model registered for `role`, or None when no installed app plays it."""
    label = registry["models"].get(role)
    return apps.get_model(label) if label else None
