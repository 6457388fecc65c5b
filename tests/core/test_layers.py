"""Layers point one way (issue 20 item 4): `ipdesk.core` imports no app. Apps reach core through its
extension points (core.extensions), the user model through `get_user_model()`.

Read from the source with `ast`, so an import inside a function (the usual way round a cycle) counts too."""
import ast
from pathlib import Path

import pytest

import ipdesk

APPS = ("accounts", "regions", "registry", "services", "finance", "protection", "compliance", "stats")
CORE = Path(ipdesk.__file__).parent / "core"


def _imported_modules(tree, module):
    """Every module an `import` in `tree` names, relative imports resolved against `module` (dotted)."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from ipdesk import registry`
                yield node.lineno, f"{target}.{alias.name}"


def app_imports(path, module):
    """(line, module) of every import in the file at `path` that reaches one of the apps."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for line, name in _imported_modules(tree, module):
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "ipdesk" and parts[1] in APPS:
            found.append((line, name))
    return found


def _core_modules():
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE.parent.parent).with_suffix("")
        yield path, ".".join(relative.parts)


def test_the_check_sees_every_kind_of_import(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("import ipdesk.registry.models\n"
                      "from ipdesk.stats import facts\n"
                      "from ipdesk import accounts\n"
                      "from ..regions.models import Region\n"
                      "def later():\n"
                      "    from ipdesk.finance.rules import subsidy\n"
                      "from . import scoping\n"
                      "from django.contrib.auth import get_user_model\n")
    found = {name for _, name in app_imports(source, "ipdesk.core.sample")}
    assert found == {"ipdesk.registry.models", "ipdesk.stats", "ipdesk.stats.facts", "ipdesk.accounts",
                     "ipdesk.regions.models", "ipdesk.regions.models.Region", "ipdesk.finance.rules",
                     "ipdesk.finance.rules.subsidy"}


@pytest.mark.parametrize("path, module", [pytest.param(p, m, id=m) for p, m in _core_modules()])
def test_core_imports_no_app(path, module):
    assert app_imports(path, module) == []
