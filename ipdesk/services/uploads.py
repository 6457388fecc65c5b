"""Attachments of service requests: the platform's content-checked upload (core.uploads.attach),
limited to the types and size a service request may carry."""
from django.conf import settings

from ipdesk.core.uploads import attach

from .choices import ATTACHMENT_KINDS as KINDS

MAX_BYTES = getattr(settings, "SERVICES_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


def store(obj, uploaded, user):
    """Check and save `uploaded` as an Attachment of `obj`; ValidationError says what is wrong."""
    return attach(obj, uploaded, user, allowed=KINDS, max_bytes=MAX_BYTES)
