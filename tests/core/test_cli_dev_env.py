"""`ipdesk …` after `make run` (issue "The officer's day"): the console command picks up the development
settings `make` wrote to var/dev.env, and only under the rules in ipdesk/manage.py."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipdesk import manage

SETTING_VARS = ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "IPDESK_VAR_DIR", "SECURE_COOKIES")


def _project(tmp_path, dev_env=True):
    """A project-like layout: pyproject.toml and var/ (with dev.env as `make run` writes it)."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'ipdesk'\n")
    var = tmp_path / "var"
    var.mkdir()
    if dev_env:
        (var / "dev.env").write_text(f"DEBUG=1\nIPDESK_VAR_DIR={var}\nSECURE_COOKIES=0\n")
        (var / "dev.env").chmod(0o600)
    return tmp_path


def _ipdesk(root, *args, cwd=None, **extra_env):
    """Runs `ipdesk ARGS` in a fresh interpreter, the loader pointed at `root`, no settings in the environment."""
    env = {k: v for k, v in os.environ.items() if k not in SETTING_VARS}
    env.update(extra_env)
    code = "import sys; from ipdesk import manage; manage.main(['ipdesk', *sys.argv[2:]], root=sys.argv[1])"
    return subprocess.run([sys.executable, "-c", code, str(root), *args], cwd=cwd or root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_runs_with_the_dev_env_of_make_run(tmp_path):
    root = _project(tmp_path / "checkout")
    elsewhere = tmp_path / "elsewhere"  # the user's current directory does not matter
    elsewhere.mkdir()
    result = _ipdesk(root, "check", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    shown = _ipdesk(root, "shell", "-c", "from django.conf import settings; "
                    "print(settings.DEBUG, settings.DATABASES['default']['NAME'])", cwd=elsewhere)
    assert shown.stdout.split()[-2:] == ["True", str(root / "var" / "ipdesk.sqlite3")]  # `make run`'s database


def test_check_without_dev_env_still_requires_a_secret_key(tmp_path):
    root = _project(tmp_path, dev_env=False)
    result = _ipdesk(root, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("setting", [{"DJANGO_SETTINGS_MODULE": "ipdesk.settings"},
                                     {"DATABASE_URL": "sqlite:////nonexistent/x.sqlite3"}, {"DEBUG": "0"},
                                     {"IPDESK_VAR_DIR": "/nonexistent/var"}])
def test_a_deployment_environment_ignores_dev_env(tmp_path, setting):
    """An environment that configures the platform itself never gets DEBUG from a file someone dropped."""
    root = _project(tmp_path)
    result = _ipdesk(root, "check", **setting)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_dev_env_must_sit_in_a_source_checkout_and_belong_to_the_user(tmp_path):
    root = _project(tmp_path)
    env = {}
    assert manage.load_dev_env(env, root=root) == root / "var" / "dev.env"
    assert env == {"DEBUG": "1", "IPDESK_VAR_DIR": str(root / "var"), "SECURE_COOKIES": "0"}

    (root / "var" / "dev.env").chmod(0o666)  # anyone could have written it
    assert manage.load_dev_env(env := {}, root=root) is None and env == {}
    (root / "var" / "dev.env").chmod(0o600)

    (root / "pyproject.toml").unlink()  # an installed package (site-packages/var/dev.env), not a checkout
    assert manage.load_dev_env(env := {}, root=root) is None and env == {}


def test_dev_env_sets_only_the_development_switches(tmp_path):
    root = _project(tmp_path)
    (root / "var" / "dev.env").write_text("DEBUG=1\nSECRET_KEY=planted\nDATABASE_URL=postgres://evil/x\n"
                                          "ALLOWED_HOSTS=*\n")
    env = {}
    manage.load_dev_env(env, root=root)
    assert env == {"DEBUG": "1", "IPDESK_VAR_DIR": str(root / "var")}

    (root / "var" / "dev.env").write_text(f"DEBUG=1\nIPDESK_VAR_DIR={Path('/tmp/elsewhere')}\n")
    assert manage.load_dev_env(env := {}, root=root) is None and env == {}  # var/ is where the file is


def test_make_writes_dev_env():
    makefile = (Path(manage.__file__).resolve().parent.parent / "Makefile").read_text()
    assert "var/dev.env" in makefile
