"""Work a server process would otherwise do on its first requests, done when it starts.

A new process imports every view module on its first request (through the URL configuration),
compiles each template on first use and reads the translation catalogues: about 0.6 s of CPU, paid
by the first users after every start, and paid again by each worker at once when they all start
together. `warm()` does it when the WSGI application is loaded; with `gunicorn --preload` it is done
once, before the workers are forked, and they share it. Nothing here touches the database.
"""
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation


def warm():
    """Import the views, compile every template and load each language's catalogue; returns the number
    of templates compiled."""
    get_resolver().url_patterns
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("专利")
    return sum(_compile(engine) for engine in engines.all())


def _compile(engine):
    count = 0
    for directory in engine.template_dirs:
        root = Path(directory)
        for path in sorted(root.rglob("*.html")):
            try:
                engine.get_template(path.relative_to(root).as_posix())
            except TemplateSyntaxError:
                continue    # shown as an error where it is used; not the business of a warm-up
            count += 1
    return count
