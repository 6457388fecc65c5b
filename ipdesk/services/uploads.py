"""Attachments of service requests: type checked by content, size limited.

The platform's content-checked upload helper (core.uploads.attach) is used when it exists; until
then this module checks the few types a service request needs by their leading bytes."""
import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ipdesk.core.models import Attachment

from .choices import ATTACHMENT_KINDS as KINDS

MAX_BYTES = getattr(settings, "SERVICES_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# extension -> (MIME type, accepted leading bytes)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
}
ALLOWED_TEXT = "PDF、JPG、PNG、Word（doc/docx）、Excel（xls/xlsx）、ZIP"


def check(uploaded):
    """The MIME type of an acceptable upload, else ValidationError saying what is wrong."""
    name = uploaded.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if uploaded.size == 0:
        raise ValidationError(_("附件“%(n)s”是空文件。") % {"n": name})
    if uploaded.size > MAX_BYTES:
        raise ValidationError(_("附件“%(n)s”大小为 %(s).1f MB，超过上限 %(m)d MB。")
                              % {"n": name, "s": uploaded.size / 1048576, "m": MAX_BYTES // 1048576})
    if ext not in ALLOWED:
        raise ValidationError(_("附件“%(n)s”的类型不允许，仅接受 %(a)s。") % {"n": name, "a": ALLOWED_TEXT})
    mime, magics = ALLOWED[ext]
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(_("附件“%(n)s”的内容与扩展名 .%(e)s 不符，请上传真实的 %(e)s 文件。") % {"n": name, "e": ext})
    return mime


def store(obj, uploaded, user):
    """Check and save `uploaded` as an Attachment of `obj`; ValidationError says what is wrong."""
    try:
        from ipdesk.core.uploads import attach  # the platform helper: type by content, audited
    except ImportError:
        attach = None
    if attach is not None:
        return attach(obj, uploaded, user, allowed=KINDS, max_bytes=MAX_BYTES)
    mime = check(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                            filename=uploaded.name[:255], mime_type=mime, size=uploaded.size,
                            sha256=digest.hexdigest(), uploaded_by=user)
    attachment.file.save(attachment.sha256, uploaded, save=False)
    attachment.save()
    return attachment
