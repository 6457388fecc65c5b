"""Navigation built from each app's `nav` declaration, filtered by what the user's role may reach.

An entry is shown only when the view it points to would let the user in: the same `roles` and
`can(user, model, action)` checks `ScopedMixin.dispatch` applies, read from the view class itself, so
the menu and the page cannot disagree (an entry that answers 404 is worse than no entry). The `roles`
of a `nav` declaration can still narrow an entry further.

Both values are computed when a template first uses them, once per request: every template rendered
with the request (a table, a form partial) runs the context processors again, and most of them never
show the menu or the count of unread notifications.
"""
from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

from .scoping import can


@cache
def _url(name, prefix):
    """A menu entry's address; they do not change while the process runs (`prefix`: the script prefix)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


_MISSING = object()


@cache
def _view_class(url, prefix):
    """The class-based view behind a menu address (None for a function view, _MISSING if none answers)."""
    path = "/" + url[len(prefix):] if url.startswith(prefix) else url  # reverse() added the script prefix
    try:
        match = resolve(path)
    except Resolver404:
        return _MISSING
    return getattr(match.func, "view_class", None)


def _opens(user, url, prefix):
    """Whether the view at `url` lets `user` in (the checks of ScopedMixin.dispatch)."""
    from .views import ScopedMixin  # the views import models of every app; resolve lazily
    view = _view_class(url, prefix)
    if view is _MISSING:
        return False
    if view is None:
        return True
    roles = getattr(view, "roles", None)
    if roles is not None and not user.has_role(*roles):
        return False
    if issubclass(view, ScopedMixin):
        return can(user, view.model, view.action)
    return True


def visible_entries(user):
    """(app config, [(entry, url)]) for each app with an entry `user` may open, in menu order."""
    prefix = get_script_prefix()
    for config in apps.get_app_configs():
        entries = []
        for item in getattr(config, "nav", ()):
            roles = item.get("roles")
            if roles is not None and not user.has_role(*roles):
                continue
            url = _url(item["url"], prefix)
            if url is not None and _opens(user, url, prefix):
                entries.append((item, url))
        if entries:
            yield config, entries


def _active(path, url):
    return path == url if url.endswith("/") and url.count("/") <= 1 else path.startswith(url)


def _groups(request, user):
    from .help import DEFAULT_ICON, GUIDES, ICONS
    groups = []
    for config, entries in visible_entries(user):
        items = [{"label": item["label"], "url": url, "active": _active(request.path, url)} for item, url in entries]
        groups.append({"label": config.verbose_name, "app": config.label, "icon": ICONS.get(config.label, DEFAULT_ICON),
                       "help_url": reverse("core:help", args=[config.label]) if config.label in GUIDES else None,
                       "active": any(i["active"] for i in items), "items": items})
    return groups


def _breadcrumbs(groups, path):
    """首页 › the menu group › the menu entry whose address is the longest start of this page's address
    (a record's page sits under its list): issue 19 item 4."""
    best = None
    for group in groups:
        for item in group["items"]:
            if path.startswith(item["url"]) and item["url"] != "/" and (best is None or len(item["url"]) > len(best[1]["url"])):
                best = (group, item)
    if best is None:
        return []
    group, item = best
    crumbs = [{"label": group["label"], "url": group["help_url"]}]
    if path != item["url"]:
        crumbs.append({"label": item["label"], "url": item["url"]})
    else:
        crumbs.append({"label": item["label"], "url": None})
    return crumbs


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memo = request.__dict__.setdefault("_ipdesk_nav", {})

    def nav_groups():
        if "groups" not in memo:
            memo["groups"] = _groups(request, user)
        return memo["groups"]

    def unread_notifications():
        if "unread" not in memo:
            memo["unread"] = user.notifications.filter(read_at__isnull=True).count()
        return memo["unread"]

    def breadcrumbs():
        if "crumbs" not in memo:
            memo["crumbs"] = _breadcrumbs(nav_groups(), request.path)
        return memo["crumbs"]

    return {"nav_groups": nav_groups, "unread_notifications": unread_notifications, "breadcrumbs": breadcrumbs}
