import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipdesk.settings")
application = get_wsgi_application()

from ipdesk.core.warmup import warm  # noqa: E402  (after Django is set up by get_wsgi_application)

warm()
