import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipdesk.settings")
application = get_wsgi_application()

from ipdesk.core.warmup import warm  # noqa: E402  (after Django is set up by get_wsgi_application)

warm()

# A server that cannot sign audit entries must not start (a production key is never made up: core/audit.py).
from ipdesk.core.audit import audit_key  # noqa: E402

audit_key()
