"""No string in the wrong language (issue "The officer's day", item 5).

For every role, in Chinese (the default, LANGUAGE_CODE zh-hans) and in English (chosen through the
site's language switch, POST /i18n/setlang/, which LocaleMiddleware reads back from the cookie), the
test walks every page reachable from the menu: the menu entries, then the links of those pages, at most
one page per URL name (so one detail page and one edit form per list), GET only, same host, HTML only
(no export or download). Of each page it keeps what a person reads: the text outside <script> and
<style>, and the title / placeholder / aria-label / alt attributes. Text in <code> or <kbd> is a
literal one types as shown (an import file's column header, a document template's field, an indicator
key for the API) and is skipped. From a text that offends, the test first takes out the data: every
text value stored in the database (names, titles, the reference lists such as banks or holidays),
except the codes that must never show raw (a message's or a job's kind, a dictionary's name). It fails on

  - in Chinese: an ASCII word of three letters or more (snake_case codes word by word) not in ALLOWED_ZH;
  - in English: any CJK character.

Every failure (page, string, roles) is collected into the one assertion message. The records come from
the generic builder of the data-scope tests (tests/security/factory.py), one of every scoped model on
the side the test roles reach, with Chinese text values and Chinese display names. The English crawl
fails while the catalogue lacks translations of new strings (the .po is completed at release); the
CPU time of each crawl must stay under 90 s on SQLite.
"""
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import models, transaction
from django.urls import Resolver404, resolve

from tests.core.test_menus import menu_links

ROLES = ["city", "district", "commissioner", "enterprise", "lawyer", "leader"]

# ASCII words a Chinese page may show. Kept small; each is the name the office itself uses.
ALLOWED_ZH = {
    # file formats offered for download or upload
    "PDF", "DOCX", "XLSX", "CSV", "SVG", "JSON", "UTF",
    # patent and trade-mark terms used as is in Chinese practice
    "IPC", "PCT", "WIPO", "CNIPA",
    # technical terms with no Chinese form in the office's usage
    "API", "URL", "TOTP", "HTTP", "HTTPS", "MAD", "GB", "GBT",
    # product and format names written as is in Chinese
    "Excel", "Word", "Office", "ZIP", "BOM",
    # the keywords of the document-template syntax, which its help text must name
    "else", "endif",
    # the product's own name in the title bar
    "ipdesk",
    # the language switch offers English by its own name
    "English",
}
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])")  # snake_case codes count word by word
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
LINK = re.compile(r"https?://\S+")
ATTRS = {"title", "placeholder", "aria-label", "alt"}
SKIP_PREFIXES = ("/admin/", "/i18n/", "/accounts/logout", "/static/", "/media/", "/api/")
DOWNLOAD = re.compile(r"(download|export|\.(xlsx|docx|pdf|csv|svg|png|json|zip))/?$")
MAX_PAGES = 250
CODES = {"kind", "dictionary", "object_type", "figure", "key", "hash", "prev_hash", "password"}


class _Page(HTMLParser):
    """Readable text and same-site links of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links = [], []
        self._skip = 0      # inside <script>/<style>/<template>
        self._switch = 0    # inside the language switch form: it names the other language on purpose

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "code", "kbd"):
            self._skip += 1
        if tag == "form" and "/i18n/" in (attrs.get("action") or ""):
            self._switch += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not self._switch:
            for name in ATTRS:
                if attrs.get(name):
                    self.texts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "kbd") and self._skip:
            self._skip -= 1
        if tag == "form" and self._switch:
            self._switch -= 1

    def handle_data(self, data):
        if not self._skip and not self._switch and data.strip():
            self.texts.append(data.strip())


def _zh_text(original):
    """The builder's value for a field, with Chinese text where it would write `name` + number."""
    def value(f, n):
        v = original(f, n)
        if isinstance(v, str) and isinstance(f, (models.CharField, models.TextField)) and not f.choices \
                and not isinstance(f, models.FileField) and v == f"{f.name}{n}"[-(f.max_length or 10**6):]:
            text = f"数据{n}"
            return text[-f.max_length:] if f.max_length else text
        return v
    return value


@pytest.fixture
def crawl_data(users, make_user, make_enterprise, regions, monkeypatch):
    """One record of every scoped model on the test roles' side; the data strings to strip."""
    from django.apps import apps

    from ipdesk.accounts.models import User
    from tests.security import factory
    from tests.security.factory import Side, build, scoped_models

    names = {"city": "市局干部", "district": "区局干部", "other_district": "滕州干部", "commissioner": "服务专员甲",
             "enterprise": "企业经办人", "lawyer": "公职律师甲", "leader": "分管领导"}
    for role, user in users.items():
        User.objects.filter(pk=user.pk).update(display_name=names[role])
        user.display_name = names[role]
    monkeypatch.setattr(factory, "_value", _zh_text(factory._value))
    side = Side(regions["370403"], users["enterprise"].enterprise, users["commissioner"], users["lawyer"],
                users["city"])
    for model in scoped_models():
        if getattr(model.scope, "enterprise", None) == "pk":
            continue
        try:
            with transaction.atomic():
                build(model, side)
        except Exception:  # reference data with unique kinds already seeded: its seeded rows serve
            pass
    # Data: every text value in the database (names, titles, reference lists such as the banks or the
    # holiday names), except the codes a page must not show raw (a job's or a message's kind, a
    # dictionary's name): those need a label, and the crawl must see them.
    data = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices
                  and f.name not in CODES]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            data.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) >= 2)
    return sorted(data, key=len, reverse=True)


def _strip_data(text, data):
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def _crawl(client, data, check):
    """Visit the menu and what it links to, once per URL name; `check(text)` → offending strings."""
    home = client.get("/")
    assert home.status_code == 200
    queue = ["/"] + [h for h in menu_links(home.content.decode()) if h.startswith("/")]
    seen_names, seen_paths, failures, errors = set(), set(), [], []
    client.raise_request_exception = False  # a page the generic records cannot feed is not this test's subject
    while queue and len(seen_paths) < MAX_PAGES:
        path = urlsplit(queue.pop(0)).path
        if path in seen_paths or path.startswith(SKIP_PREFIXES) or DOWNLOAD.search(path):
            continue
        try:
            match = resolve(path)
        except Resolver404:
            continue
        name = match.view_name
        if name in seen_names:
            continue
        seen_names.add(name)
        seen_paths.add(path)
        response = client.get(path)
        if response.status_code >= 500:
            errors.append((path, response.status_code))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", "") or \
                getattr(response, "streaming", False):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for text in page.texts:
            if check(text):  # only then is the data worth taking out (the costly part)
                for bad in check(_strip_data(text, data)):
                    failures.append((path, bad, text[:80]))
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.query:
                continue
            queue.append(parts.path)
    return failures, seen_paths, errors


def _english_words(text):
    text = LINK.sub(" ", EMAIL.sub(" ", text))
    return [w for w in ASCII_WORD.findall(text) if w not in ALLOWED_ZH and w.upper() not in ALLOWED_ZH]


def _chinese(text):
    return CJK.findall(text)


# Texts known to be in the wrong language, left for issue 19 (each is listed in the closing note): the
# crawl fails on any text not here. Remove an entry when it is fixed; never add one to make the test pass
# without saying so in the note.
KNOWN = {
    # The 9 choice-field labels once listed here ("Day unit", "Insurance type", "Kind"…, Chinese UI, full run
    # only) were no language leak: drf-spectacular's schema cached label-less form fields on the class-level
    # filters (fixed by core.filters.keep_filter_labels). The time-limit codes, the dictionary code and the
    # document-template field names now show by name or in <code>.
    "zh-hans": (),
    "en": (
        # the English catalogue's own text still carries Chinese examples (msgstr to be reworded in the .po)
        'CSV (UTF-8 with or without BOM, or GB180',
        'Used to resolve addresses; separate mult',
    ),
}


def _known(language, context):
    """An exact match, or the beginning of a text of 10 characters or more."""
    return any(context == known or (len(known) >= 10 and context.startswith(known)) for known in KNOWN[language])


def _report(role_failures):
    """One line per offending text, with the roles and pages where it shows."""
    where = {}
    for role, failures in role_failures.items():
        for path, bad, context in failures:
            entry = where.setdefault(context, [set(), set(), set()])
            entry[0].add(bad)
            entry[1].add(role)
            entry[2].add(path)
    lines = [f"{sorted(bad)} in {context!r} — {','.join(sorted(roles))} {' '.join(sorted(paths)[:3])}"
             for context, (bad, roles, paths) in sorted(where.items(), key=lambda kv: sorted(kv[1][2])[0])]
    return f"{len(lines)} texts in the wrong language:\n" + "\n".join(lines)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_one_language(language, users, crawl_data, client_for):
    from django.utils import translation
    check = _english_words if language == "zh-hans" else _chinese
    started, role_failures, pages, server_errors = time.process_time(), {}, 0, []
    try:
        for role in ROLES:
            client = client_for(users[role])
            if language != "zh-hans":
                assert client.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302
            failures, seen, errors = _crawl(client, crawl_data, check)
            pages += len(seen)
            server_errors += [(role, path, status) for path, status in errors]
            if failures:
                role_failures[role] = failures
    finally:
        translation.activate("zh-hans")
    elapsed = time.process_time() - started  # CPU time: the machine the tests run on may be shared
    assert pages > 60, pages
    assert not server_errors, f"pages that answered 500 with the generated records: {server_errors}"
    role_failures = {role: [f for f in failures if not _known(language, f[2])]
                     for role, failures in role_failures.items()}
    role_failures = {role: failures for role, failures in role_failures.items() if failures}
    assert not role_failures, f"({pages} pages, {elapsed:.0f} s CPU) " + _report(role_failures)

