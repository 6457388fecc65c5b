"""Navigation built from each app's `nav` declaration, filtered by what the user's role may reach.

Both values are computed when a template first uses them, once per request: every template rendered
with the request (a table, a form partial) runs the context processors again, and most of them never
show the menu or the count of unread notifications.
"""
from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse


@cache
def _url(name, prefix):
    """A menu entry's address; they do not change while the process runs (`prefix`: the script prefix)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _groups(request, user):
    prefix = get_script_prefix()
    groups = []
    for config in apps.get_app_configs():
        items = []
        for item in getattr(config, "nav", ()):
            roles = item.get("roles")
            if roles is not None and not user.has_role(*roles):
                continue
            url = _url(item["url"], prefix)
            if url is not None:
                items.append({"label": item["label"], "url": url, "active": request.path.startswith(url)})
        if items:
            groups.append({"label": config.verbose_name, "items": items})
    return groups


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

    return {"nav_groups": nav_groups, "unread_notifications": unread_notifications}
