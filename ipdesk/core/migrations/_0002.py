"""Alias so tests can import the trigger functions of 0002 (module names cannot start with a digit)."""
from importlib import import_module

_module = import_module("ipdesk.core.migrations.0002_audit_append_only")
install = _module.install
uninstall = _module.uninstall
