"""The registry of legal bases (core.basis): every rule applied by the code is declared, every declaration names
code that exists, every key a template links to is declared, and syncing never overwrites an officer's edit."""
import pathlib
import re

import pytest
from django.template import Context, Template

from ipdesk.core import basis
from ipdesk.core.models import LegalBasis

IPDESK = pathlib.Path(basis.__file__).resolve().parent.parent
TAG = re.compile(r"""\{%\s*basis_link\s+(["'])([^"']+)\1(\s+[^%]+?)?\s*%\}""")


def template_keys():
    """(path, key, has_part) of every {% basis_link %} written in a template of the project."""
    found = []
    for path in IPDESK.rglob("templates/**/*.html"):
        for m in TAG.finditer(path.read_text(encoding="utf-8")):
            found.append((path.relative_to(IPDESK), m.group(2), bool(m.group(3))))
    return found


def test_every_declared_code_path_names_existing_code():
    missing = []
    for entry in basis.registry().values():
        for path in entry.code:
            try:
                basis.resolve_code(path)
            except LookupError:
                missing.append(f"{entry.key}: {path}")
    assert not missing, "declared code that does not exist: " + ", ".join(missing)


def test_every_rule_that_cites_a_source_is_declared():
    """A function or class of a rules module whose docstring cites a regulation, article, standard or 待核对 applies a
    rule: some declaration must name it in `code`, so it is on the 依据 page."""
    covered = basis.covered_code()
    citing = [p for module in basis.RULE_MODULES for p in basis.citing_functions(module)]
    assert "ipdesk.registry.rules.annual_fee_status" in citing  # the collector sees the rules it must see
    undeclared = [p for p in citing if p not in covered]
    assert not undeclared, "rules without a 依据 declaration (add them to the app's basis.py): " + ", ".join(undeclared)


def test_the_rules_the_issue_names_are_declared():
    keys = set(basis.registry())
    for key in ("fees.annual", "fees.grace", "fees.restoration", "term.patent", "term.compensation",
                "stats.valid_invention", "stats.per_10k", "stats.high_value", "stats.strategic_ipc", "stats.pct",
                "compliance.behaviours", "finance.pledge_refusals", "population.census", "forecast.year_end"):
        assert key in keys, key
    assert "protection.limits" in basis.externals()


def test_citations_come_from_the_code_and_nothing_is_verified_by_default():
    """The verified mark is an officer's; where the code says 待核对 the entry says so; methods are not sources."""
    entries = basis.registry()
    assert not [k for k, e in entries.items() if e.verified]
    assert entries["fees.grace"].article == "第一百一十五条"
    assert "2023" in entries["fees.grace"].edition
    assert entries["compliance.behaviours"].document == "国家知识产权局令第77号"
    assert "待核对" in entries["compliance.behaviours"].note
    assert entries["forecast.year_end"].kind == basis.Kind.METHOD
    assert entries["finance.pledge_refusals"].document == "国家知识产权局公告第461号"
    # the behaviours' excerpt is the list the code applies, item by item
    from ipdesk.compliance.choices import Behaviour
    assert entries["compliance.behaviours"].excerpt.count("\n") == len(Behaviour) - 1


def test_every_key_used_in_a_template_is_declared():
    used = template_keys()
    assert len(used) >= 5, used  # the bulletin, dashboard, enterprise, case and compliance pages link
    unknown = []
    for path, key, has_part in used:
        if has_part:
            if key not in basis.externals() and not any(k.startswith(key + ".") for k in basis.registry()):
                unknown.append(f"{path}: {key}.*")
        elif key not in basis.registry():
            unknown.append(f"{path}: {key}")
    assert not unknown, "undeclared 依据 keys in templates: " + ", ".join(unknown)


def test_declare_refuses_a_malformed_or_conflicting_key():
    with pytest.raises(ValueError):
        basis.declare("Fees annual", "x", "y")
    with pytest.raises(ValueError):
        basis.declare("fees.annual", "另一条", "《别的法规》")


def test_basis_link_renders_an_escaped_superscript_link():
    html = Template('{% load basis %}{% basis_link "stats.valid_invention" %}').render(Context())
    assert 'href="/basis/stats.valid_invention/"' in html
    assert "<sup" in html and "依据" in html
    assert Template('{% load basis %}{% basis_link "no.such_rule" %}').render(Context()) == ""
    linked = Template('{% load basis %}{% basis_link "protection.limits" code %}').render(Context({"code": "closure"}))
    assert 'href="/basis/protection.limits.closure/"' in linked


@pytest.mark.django_db
def test_migrate_fills_the_table_and_sync_keeps_office_edits():
    assert set(LegalBasis.objects.values_list("key", flat=True)) >= set(basis.registry())
    edited = LegalBasis.objects.get(key="fees.grace")
    edited.article = "第一百一十五条第二款"
    edited.edited_by_office = True
    edited.save()
    drifted = LegalBasis.objects.get(key="term.patent")
    drifted.article = "第四十二条（旧）"
    drifted.save()
    LegalBasis.objects.filter(key="stats.pct").delete()

    created, updated = basis.sync()

    assert created == 1 and updated == 1
    assert LegalBasis.objects.get(key="fees.grace").article == "第一百一十五条第二款"  # the office's words stay
    assert LegalBasis.objects.get(key="term.patent").article == "第四十二条第一款"  # unedited: follows the code
    assert LegalBasis.objects.filter(key="stats.pct").exists()
    assert basis.sync() == (0, 0)  # idempotent


def test_every_bulletin_and_dashboard_figure_has_a_basis():
    """Every figure of the bulletin and every figure a target can be set for (counts of the office's own records —
    requests, cases, projects — rest on no rule and need none)."""
    from ipdesk.stats.indicators import BULLETIN_KEYS, TARGET_KEYS
    missing = [key for key in dict.fromkeys(BULLETIN_KEYS + TARGET_KEYS) if basis.for_indicator(key) is None]
    assert not missing, "figures without a 依据 declaration (indicators=…): " + ", ".join(missing)
    html = Template("{% load basis %}{% indicator_basis_link key %}").render(
        Context({"key": "valid_invention_per_10k"}))
    assert 'href="/basis/stats.per_10k/"' in html


def test_declared_indicator_keys_are_real_figures():
    from ipdesk.core.indicators import figure_keys
    unknown = [f"{e.key}: {k}" for e in basis.registry().values() for k in e.indicators if k not in figure_keys()]
    assert not unknown, unknown
    owners = [k for e in basis.registry().values() for k in e.indicators]
    assert len(owners) == len(set(owners)), "a figure is defined by one rule"
