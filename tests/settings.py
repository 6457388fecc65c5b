"""Test settings: the production settings module, with test values supplied through its environment."""
import os

os.environ.setdefault("SECRET_KEY", "ipdesk-tests")
os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("IPDESK_FAST_HASHER", "1")
# The audit key file is made on first use under the test var directory (production never makes one up).
os.environ.setdefault("AUDIT_KEY_AUTOCREATE", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "0")
# Playwright's sync API keeps an event loop on the test thread; the ORM calls made there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from ipdesk.settings import *  # noqa: E402,F401,F403
