"""Every menu entry a role is shown opens for that role (issue "The officer's day": entries that answered 404)."""
from html.parser import HTMLParser

import pytest
from django.urls import reverse


class _MenuLinks(HTMLParser):
    """The hrefs of the menu entries (`<a class="nav-link">` in base.html)."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "nav-link" in (attrs.get("class") or "").split() and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def menu_links(html):
    parser = _MenuLinks()
    parser.feed(html)
    return parser.hrefs


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city", "district", "other_district", "commissioner", "enterprise", "lawyer",
                                  "leader"])
def test_every_menu_entry_opens_for_its_role(role, users, clients):
    client = clients[role]
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    links = menu_links(home.content.decode())
    assert reverse("core:home") in links  # the parser found the menu at all
    broken = {}
    for href in links:
        status = client.get(href).status_code
        if status in (403, 404) or status >= 500:
            broken[href] = status
    assert broken == {}, f"{role}: menu entries that do not open: {broken}"
