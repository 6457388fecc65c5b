"""The English interface: Chinese is the source language, English comes from locale/en.

The catalogue checks read the committed django.po directly. The page checks render through the
compiled django.mo, which `make setup` (the `messages` target, run before `make test`) builds with
compilemessages; the .mo itself is not committed.
"""
import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils.html import escape
from django.utils.translation import gettext, override

import ipdesk

LOCALE_DIR = Path(ipdesk.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdfi]|%[sdif]|%%|\{\{[^{}]*\}\}|\{[a-z_]+\}")
TITLE_ZH = "知识产权工作平台"


def _parse_po(text):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr (list), flags, obsolete.

    Enough of the format for what makemessages writes: comments, flags, and quoted strings that
    continue on the following lines."""
    entries, current, key = [], None, None

    def finish():
        if current is not None and "msgid" in current:
            entries.append(current)

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            current, key = None, None
            continue
        if current is None:
            current = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
            continue
        if line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            name, index, literal = m.group(1), m.group(2), m.group(3)
            value = ast.literal_eval(literal)
            if name.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                current["msgstr"][key[1]] = value
            else:
                key = (name, None)
                current[name] = value
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                current["msgstr"][key[1]] += value
            else:
                current[key[0]] += value
            continue
        raise AssertionError(f"unexpected line in {PO_FILE.name}: {raw!r}")
    return entries


@pytest.fixture(scope="module")
def catalogue():
    entries = [e for e in _parse_po(PO_FILE.read_text(encoding="utf-8")) if not e["obsolete"]]
    header = next(e for e in entries if e["msgid"] == "")
    return header, [e for e in entries if e["msgid"] != ""]


@pytest.fixture(autouse=True)
def _restore_language():
    """Requests in English leave English active on this thread; later tests must not inherit it."""
    from django.utils import translation
    before = translation.get_language()
    yield
    translation.activate(before) if before else translation.deactivate()


@pytest.fixture
def compiled():
    """The rendering checks need the .mo that `make setup` compiles from the .po."""
    assert MO_FILE.exists(), f"{MO_FILE} is missing: run `make setup` (compilemessages) before the tests"


def _english(msgid):
    with override("en"):
        return gettext(msgid)


# ---- the catalogue --------------------------------------------------------------------------------

def test_catalogue_has_many_messages_and_a_clean_header(catalogue):
    header, entries = catalogue
    assert len(entries) > 1000
    assert "fuzzy" not in header["flags"]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_every_chinese_message_is_translated(catalogue):
    _, entries = catalogue
    untranslated = [e["msgid"] for e in entries
                    if CJK.search(e["msgid"]) and (not all(e["msgstr"].values()) or not e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_translations_keep_placeholders_and_tags(catalogue):
    _, entries = catalogue
    broken = []
    for e in entries:
        for msgstr in e["msgstr"].values():
            if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(msgstr)):
                broken.append((e["msgid"], msgstr))
            if sorted(re.findall(r"</?\w+", e["msgid"])) != sorted(re.findall(r"</?\w+", msgstr)):
                broken.append((e["msgid"], msgstr))
    assert not broken, broken[:5]


def test_translations_are_english(catalogue):
    """Chinese may remain only as a gloss (专精特新) or a literal example (薛城,新城), never as the text."""
    _, entries = catalogue
    mostly_chinese = [(e["msgid"], s) for e in entries for s in e["msgstr"].values()
                      if len(CJK.findall(s)) * 3 > len(s)]
    assert not mostly_chinese, mostly_chinese[:5]


def test_compiled_catalogue_matches_the_po(catalogue, compiled):
    """Every translation in the .po is what gettext returns: the .mo is complete and not stale."""
    _, entries = catalogue
    stale = [(e["msgid"], _english(e["msgid"])) for e in entries
             if "msgid_plural" not in e and "msgctxt" not in e and CJK.search(e["msgid"])
             and _english(e["msgid"]) != e["msgstr"][0]]
    assert not stale, f"{len(stale)} messages differ from the .po (run compilemessages), e.g. {stale[:3]}"


# ---- pages ------------------------------------------------------------------------------------------

def test_login_page_is_chinese_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert TITLE_ZH in html
    assert "市场监督管理局知识产权科" in html


def _switch_to_english(c, next_url):
    response = c.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    return c


def test_login_page_in_english(client, compiled):
    _switch_to_english(client, "/accounts/login/")
    html = client.get("/accounts/login/").content.decode()
    title = _english(TITLE_ZH)
    assert title != TITLE_ZH
    assert escape(title) in html
    for msgid in ("市场监督管理局知识产权科", "用户名", "密码", "登录"):
        assert escape(_english(msgid)) in html, msgid
    assert TITLE_ZH not in html
    assert '<html lang="en">' in html


def _visible_nav(user):
    """(group label, item labels) per app, as the navigation context processor shows them to `user`."""
    from ipdesk.core.context_processors import visible_entries
    for config, entries in visible_entries(user):
        yield config.verbose_name, [item["label"] for item, url in entries]


@pytest.mark.parametrize("who, role", [("city", "city_officer"), ("enterprise", "enterprise"),
                                       ("commissioner", "commissioner")])
def test_home_page_in_english(clients, users, compiled, who, role):
    c = clients[who]
    assert TITLE_ZH in c.get("/").content.decode()  # Chinese until the user switches
    _switch_to_english(c, "/")
    html = c.get("/").content.decode()
    assert escape(_english(TITLE_ZH)) in html
    assert escape(_english("工作台")) in html
    assert escape(_english("退出")) in html
    checked = 0
    for group, items in _visible_nav(users[who]):
        with override("en"):
            group_en, items_en = str(group), [str(i) for i in items]
        with override("zh-hans"):
            group_zh, items_zh = str(group), [str(i) for i in items]
        assert group_en != group_zh
        assert escape(group_en) in html, group_en
        for original, label in zip(items_zh, items_en):
            assert CJK.search(original) and label != original, label
            # the nav skips items whose URL does not resolve; all of the project's do
            assert escape(label) in html, label
            checked += 1
    assert checked >= 2
    # the button now offers the way back
    assert 'value="zh-hans">中文</button>' in html


def test_english_is_remembered_and_switchable_back(clients, compiled):
    c = clients["city"]
    _switch_to_english(c, "/")
    assert escape(_english("领导驾驶舱")) in c.get("/").content.decode()
    c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = c.get("/").content.decode()
    assert "领导驾驶舱" in html and TITLE_ZH in html


def test_known_translations(compiled):
    """A few terms of the office's vocabulary, as the English UI must name them."""
    expected = {
        "发明专利授权量": "Invention patent grants",
        "有效发明专利拥有量": "Valid invention patents",
        "每万人口发明专利拥有量": "Invention patents per 10,000 people",
        "维权援助": "Rights-protection assistance",
        "服务专员": "Service commissioner",
        "质押融资": "Pledge financing",
        "非正常专利申请": "Abnormal patent applications",
    }
    for zh, en in expected.items():
        assert _english(zh) == en
