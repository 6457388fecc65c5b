"""Test settings: the production settings module, with test values supplied through its environment."""
import os

os.environ.setdefault("SECRET_KEY", "ipdesk-tests")
os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("IPDESK_FAST_HASHER", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "0")

from ipdesk.settings import *  # noqa: E402,F401,F403
