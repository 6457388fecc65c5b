"""`ipdesk export KIND FILE [--region CODE] [--user NAME]`: the command-line twin of every list page's export.

It writes the file the list page's ?export=csv|xlsx writes — the same columns (core.exports.Column, whose headers
are the import headers, so the file imports back unchanged with `ipdesk import KIND FILE`), the same masking and an
audited export entry — for the whole city (run as the system, i.e. with a city officer's scope), or for the scope
of `--user NAME`, optionally narrowed to a region and the regions under it (`--region 370402`). CSV (UTF-8 with a
BOM, as the page writes it) unless FILE ends in .xlsx; in XLSX numbers and dates stay numbers and dates.

KIND is the import kind of the list's records (enterprises, patents, trademarks, events, gi_products, …), or
`app_label.model_name` for a list that has no import (registry.contact). `ipdesk export --list` names them all.
The lists are found from the URL configuration (every core.views.ObjectListView with export columns), so a new
list with an export is here without being named.
"""
from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from ipdesk.core import context
from ipdesk.core.exports import write_file


def export_lists(resolver=None, prefix=""):
    """(url path, view class) of every argument-free URL served by an ObjectListView with export columns."""
    from ipdesk.core.views import ObjectListView
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from export_lists(entry, route)
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "view_class", None)
            if cls and issubclass(cls, ObjectListView) and cls.export_columns and "<" not in route:
                yield "/" + route.lstrip("^").rstrip("$"), cls


def export_kinds():
    """{kind: (url path, view class)}: each list under its model's import kind and under app_label.model_name."""
    from ipdesk.core.imports import specs
    by_model = {}
    for spec in specs().values():
        by_model.setdefault(spec.model, spec.name)
    kinds = {}
    for path, cls in export_lists():
        opts = cls.model._meta
        for name in (by_model.get(cls.model), f"{opts.app_label}.{opts.model_name}"):
            if name and name not in kinds:
                kinds[name] = (path, cls)
    return kinds


def system_user():
    """The command line's actor when no --user is given: an unsaved superuser, whom scoping treats as a city
    officer (core.scoping._role) — the whole city, personal data as an officer sees it."""
    from django.contrib.auth import get_user_model
    return get_user_model()(username="system", is_superuser=True, is_active=True)


def export_queryset(cls, path, user, region=None):
    """The rows the list page would export for `user` (its get_queryset: scope, joins), optionally only
    those of `region` and the regions under it."""
    request = RequestFactory().get(path)
    request.user = user
    view = cls()
    view.setup(request)
    qs = view.get_queryset()
    if region is not None:
        scope = getattr(cls.model, "scope", None)
        if scope is None or not scope.region:
            raise CommandError(f"{cls.model._meta.label} has no region to narrow by")
        qs = qs.filter(**{f"{scope.region}__in": list(region.descendants().values_list("pk", flat=True))})
    return qs


class Command(BaseCommand):
    help = "Export a list (the list page's CSV/XLSX export, with the import headers) for the whole city or a scope."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="import kind (patents, enterprises, …) or app_label.model_name")
        parser.add_argument("file", nargs="?", help="output file: .csv (default) or .xlsx")
        parser.add_argument("--region", help="only this region code and the regions under it")
        parser.add_argument("--user", help="export with this user's data scope; default: the system (whole city)")
        parser.add_argument("--list", action="store_true", dest="show_list", help="list the kinds that can be exported")

    def handle(self, kind, file, region, user, show_list, **options):
        kinds = export_kinds()
        if show_list:
            for name, (path, cls) in sorted(kinds.items()):
                self.stdout.write(f"{name}\t{path}")
            return
        if not kind or not file:
            raise CommandError("usage: ipdesk export KIND FILE [--region CODE] [--user NAME]")
        if kind not in kinds:
            raise CommandError(f"unknown kind {kind!r}; choose one of: {', '.join(sorted(kinds))}")
        actor = None
        if user:
            from django.contrib.auth import get_user_model
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no such user: {user}")
        place = None
        if region:
            from ipdesk.core.extensions import model
            place = model("region").objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"no such region: {region}")
        path, cls = kinds[kind]
        with context.acting_as(actor, request_id="cli-export"):
            qs = export_queryset(cls, path, actor or system_user(), place)
            count = write_file(qs, cls.export_columns, file, user=actor or system_user(),
                               title=cls.export_name or str(cls.model._meta.verbose_name))
        self.stdout.write(f"exported {count} rows to {file}")
