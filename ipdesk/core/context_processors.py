"""Navigation built from each app's `nav` declaration, filtered by what the user's role may reach."""
from django.apps import apps
from django.urls import NoReverseMatch, reverse


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = []
    for config in apps.get_app_configs():
        items = []
        for item in getattr(config, "nav", ()):
            roles = item.get("roles")
            if roles is not None and not user.has_role(*roles):
                continue
            try:
                url = reverse(item["url"])
            except NoReverseMatch:
                continue
            items.append({"label": item["label"], "url": url, "active": request.path.startswith(url)})
        if items:
            groups.append({"label": config.verbose_name, "items": items})
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_groups": groups, "unread_notifications": unread}
