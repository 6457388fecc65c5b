"""The `ipdesk` console command: Django's management commands with the project's settings."""
import os
import stat
import sys
from pathlib import Path

# The source checkout the package runs from (the directory holding pyproject.toml, ipdesk/ and var/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What `make run` sets (the Makefile's DEV_ENV); nothing else is ever read from var/dev.env.
DEV_ENV_KEYS = ("DEBUG", "IPDESK_VAR_DIR", "SECURE_COOKIES")
# Any of these means the environment configures the platform itself (a deployment, the tests).
CONFIGURED_BY = ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "IPDESK_VAR_DIR")


def load_dev_env(environ=os.environ, root=PROJECT_ROOT):
    """Adds the development settings `make run` wrote to ROOT/var/dev.env to `environ`, so `ipdesk import …`
    works on the same database after `make run`; returns the file used, or None.

    Only when nothing in the environment configures the platform, only from the var/ of a source checkout
    next to the package (never the current directory, never site-packages), only a file of the running user
    that nobody else may write, and only the switches in DEV_ENV_KEYS with var/ being the file's own
    directory: a file dropped on a deployment cannot turn DEBUG on there or plant a key or a database.
    """
    if any(environ.get(name) for name in CONFIGURED_BY):
        return None
    root = Path(root)
    path = root / "var" / "dev.env"
    if not (root / "pyproject.toml").is_file():
        return None
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.strip() in DEV_ENV_KEYS:
            values[name.strip()] = value.strip()
    var_dir = str(path.parent.resolve())
    if Path(values.get("IPDESK_VAR_DIR", var_dir)).resolve() != Path(var_dir):
        return None
    values["IPDESK_VAR_DIR"] = var_dir
    for name, value in values.items():
        environ.setdefault(name, value)
    return path


def main(argv=None, root=PROJECT_ROOT):
    if load_dev_env(os.environ, root) is not None:
        print(f"ipdesk: development settings from {Path(root) / 'var' / 'dev.env'}", file=sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipdesk.settings")
    from django.core.management import execute_from_command_line
    argv = list(argv if argv is not None else sys.argv)
    argv[0] = "ipdesk"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
