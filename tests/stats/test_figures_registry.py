"""Figures are named in one registry every module fills (core.indicators.register_figures), stats' own in
stats.figures, so stats.models, stats.indicators and stats.facts import one way (issue 20 item 4); a provider
that fails fails the bulletin instead of leaving a figure out of it."""
import ast
import datetime as dt
from pathlib import Path

import pytest

import ipdesk.stats
from ipdesk.core import indicators as core_indicators
from ipdesk.stats import figures
from ipdesk.stats.actions import prepare_bulletin
from ipdesk.stats.models import Bulletin
from tests.core.test_layers import _imported_modules

STATS = Path(ipdesk.stats.__file__).parent


def _stats_imports(name):
    """The stats modules `stats/<name>.py` imports, anywhere in the file (inside functions too)."""
    path = STATS / f"{name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {m for _, m in _imported_modules(tree, f"ipdesk.stats.{name}") if m.startswith("ipdesk.stats.")}


@pytest.mark.parametrize("name, forbidden", [
    ("models", {"ipdesk.stats.indicators", "ipdesk.stats.facts", "ipdesk.stats.bulletin"}),
    ("figures", {"ipdesk.stats.models", "ipdesk.stats.indicators", "ipdesk.stats.facts"}),
    ("facts", {"ipdesk.stats.indicators"}),
    ("criteria", {"ipdesk.stats.indicators", "ipdesk.stats.facts"}),
])
def test_the_stats_modules_import_one_way(name, forbidden):
    imported = {m for m in _stats_imports(name) if m in forbidden or m.rsplit(".", 1)[0] in forbidden}
    assert not imported, f"stats.{name} imports {sorted(imported)}: a cycle through stats.models"


def test_the_check_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.stats.test_figures_registry.STATS", tmp_path)
    (tmp_path / "sample.py").write_text("def later():\n    from .indicators import label\n")
    assert "ipdesk.stats.indicators" in _stats_imports("sample")


def test_every_provider_names_its_figures_through_the_registry():
    """finance, services, compliance and protection register their labels and units (nobody patches stats')."""
    assert (figures.label("pledge_count"), figures.unit("pledge_count")) == ("质押登记笔数", "笔")            # finance
    assert (figures.label("service_requests"), figures.unit("service_requests")) == ("服务专员受理服务申请", "件")
    assert figures.label("abnormal_notified") == "非正常专利申请已通知"                                   # compliance
    assert figures.label("adjudication_filed") == "专利侵权纠纷行政裁决立案"                              # protection
    assert figures.label("invention_grants") == "发明专利授权量" and figures.unit("pledge_amount_10k_yuan") == "万元"
    assert figures.label("no_such_figure") == "no_such_figure" and figures.unit("no_such_figure") == ""
    assert not figures.is_known("no_such_figure") and all(figures.is_known(k) for k in figures.TARGET_KEYS)


def test_a_key_names_one_figure(monkeypatch):
    monkeypatch.setattr(core_indicators, "_FIGURES", {})
    core_indicators.register_figures({"widgets": ("小部件", "个")})
    core_indicators.register_figures({"widgets": ("小部件", "个")})        # the same entry again: nothing changes
    assert core_indicators.figure_entry("widgets") == ("小部件", "个")
    with pytest.raises(ValueError, match="widgets"):
        core_indicators.register_figures({"widgets": ("另一个部件", "件")})  # another module claiming the key


@pytest.mark.django_db
def test_a_failing_provider_fails_the_bulletin_instead_of_dropping_its_figure(regions, monkeypatch):
    def broken_pledge_figures(region, start, end):
        raise RuntimeError("finance database unreachable")

    monkeypatch.setattr(core_indicators, "_PROVIDERS", [*core_indicators.providers(), broken_pledge_figures])
    with pytest.raises(RuntimeError, match="finance database unreachable") as exc:
        prepare_bulletin(regions["370400"], 2022, 12)
    assert any("broken_pledge_figures" in note and "370400" in note for note in exc.value.__notes__)
    assert not Bulletin.objects.exists()   # no draft lacking the figure
    monkeypatch.setattr(core_indicators, "_PROVIDERS",
                        [p for p in core_indicators.providers() if p is not broken_pledge_figures])
    assert prepare_bulletin(regions["370400"], 2022, 12).as_of == dt.date(2022, 12, 31)
