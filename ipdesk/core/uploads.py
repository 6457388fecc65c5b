"""Uploads that can be trusted: type decided by content, size bounded, names never used as paths.

`validate_upload(f, allowed=...)` reads the first bytes of the file and decides its type from
them (the `filetype` signatures, a look inside OOXML zips, and plain-text/CSV sniffing); the name
the browser sent only supplies a display name, cleaned of any path. `attach(obj, f, user)` stores
the bytes under their SHA-256 (core.models.attachment_path), never under the client's name, and
audits the upload. The views below upload to and download from any record the user may reach:
the target is resolved through its ContentType and `Model.objects.restrict(user, action)`, so a
record out of scope answers 404 exactly as its own pages do.

Usage in a module:
    from ipdesk.core.uploads import validate_upload, attach, DOCUMENTS
    info = validate_upload(request.FILES["file"], allowed=DOCUMENTS)   # raises ValidationError
    attach(case, request.FILES["file"], request.user)
and in a detail template: {% include "core/_attachments.html" with object=object %}
"""
import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import audit
from .models import Attachment, AuditAction
from .scoping import CHANGE, VIEW

# Types by the extension `filetype` reports (or "txt"/"csv" from sniffing) -> MIME type served back.
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "tif": "image/tiff",
    "bmp": "image/bmp",
    "zip": "application/zip",
    "txt": "text/plain",
    "csv": "text/csv",
}
# Presets modules pass as `allowed`.
IMAGES = frozenset({"png", "jpg", "gif", "webp", "tif", "bmp"})
SPREADSHEETS = frozenset({"xlsx", "xls", "ods", "csv"})
DOCUMENTS = frozenset({"pdf", "docx", "doc", "odt", "xlsx", "xls", "ods", "pptx", "ppt", "txt", "csv"}) | IMAGES
IMPORTS = frozenset({"csv", "xlsx"})  # what the import pipeline reads
DEFAULT_ALLOWED = DOCUMENTS

SNIFF_BYTES = 8192
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


@dataclass
class UploadInfo:
    """What validation found out about a file."""
    kind: str        # the type by content: "pdf", "xlsx", "csv", …
    mime_type: str
    size: int
    sha256: str
    filename: str    # a safe display name whose extension matches the content


def safe_filename(name, kind=None, max_length=120):
    """A display name without directories, control characters or shell/Windows specials.

    "../../etc/passwd" -> "passwd"; "C:\\x\\报告.pdf" -> "报告.pdf". When `kind` is given the extension
    becomes the one the content has, so a name cannot claim another type.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = _CONTROL.sub("", name)
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    stem, ext = os.path.splitext(name)
    if kind:
        ext = "." + kind
    stem = stem[: max(1, max_length - len(ext))] or "file"
    return stem + ext


def _size_label(n):
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _read_head(uploaded_file, n=SNIFF_BYTES):
    uploaded_file.seek(0)
    head = uploaded_file.read(n)
    uploaded_file.seek(0)
    return head or b""


def _decode_text(data):
    """The text of `data` if it is plain text in UTF-8 (with or without BOM) or GB18030, else None."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            # The sniffed head may cut a multi-byte character at its end: accept a cut in the last 3 bytes.
            if exc.start >= len(data) - 3 and len(data) >= SNIFF_BYTES:
                try:
                    return data[: exc.start].decode(encoding)
                except UnicodeDecodeError:
                    continue
    return None


def _looks_like_csv(text):
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return False
    for sep in (",", "\t", ";"):
        counts = [line.count(sep) for line in lines]
        if counts[0] >= 1 and all(c >= 1 for c in counts):
            return True
    return False


# ---- Zip archives (OOXML documents, XLSX imports): bounded before anything is unpacked ----------------
# Defaults and why (each can be set in settings):
# - IMPORT_MAX_UNZIPPED_BYTES 1 GiB: a full Excel sheet (1,048,576 rows of a register) unzips to about
#   0.5–1 GB; a larger total cannot be a genuine workbook. The sheet is streamed, so this bounds time.
# - IMPORT_MAX_ZIP_RATIO 100:1 per member over 1 MB, and IMPORT_MAX_ZIP_MEMBERS 1000: Apache POI's
#   ZipSecureFile defaults (min inflate ratio 0.01, max file count 1000); real sheet XML compresses
#   about 10–20:1, a bomb of repeated rows about 1,000:1.
# - IMPORT_MAX_XML_PART_BYTES 200 MB: the parts a reader loads whole (sharedStrings.xml, styles.xml …),
#   unlike worksheets, which are streamed.
# Python's zipfile stops every member at its declared size (and fails on a CRC mismatch), so checking the
# declared sizes bounds what reading can produce.
ZIP_DEFAULTS = {"IMPORT_MAX_UNZIPPED_BYTES": 1 << 30, "IMPORT_MAX_ZIP_RATIO": 100, "IMPORT_MAX_ZIP_MEMBERS": 1000,
                "IMPORT_MAX_XML_PART_BYTES": 200 << 20}
_RATIO_FROM = 1 << 20  # small members (styles, rels) may compress better than 100:1 and do no harm


def zip_limit(name):
    return getattr(settings, name, ZIP_DEFAULTS[name])


class ZipTooLarge(ValueError):
    """A zip archive that would unpack beyond the limits; the message (Chinese) names the limit."""


def check_zip(fileobj):
    """Refuse a zip whose members would unpack beyond the limits (ZipTooLarge), before unpacking any.

    The central directory's size is checked from the end record first, so even listing a zip with a
    million members costs nothing. Raises zipfile.BadZipFile for a file that is no zip."""
    members = zip_limit("IMPORT_MAX_ZIP_MEMBERS")
    fileobj.seek(0)
    end = zipfile._EndRecData(fileobj)  # the end-of-central-directory record (stable since Python 2)
    if end is None:
        raise zipfile.BadZipFile("no end of central directory")
    if end[zipfile._ECD_ENTRIES_TOTAL] > members or end[zipfile._ECD_SIZE] > members * 1024:
        raise ZipTooLarge(_("文件解压后过大：压缩包内的文件数超过上限 %(n)d 个（或目录区异常），疑似压缩炸弹，已拒绝。")
                          % {"n": members})
    fileobj.seek(0)
    with zipfile.ZipFile(fileobj) as zf:
        infos = zf.infolist()
    if len(infos) > members:
        raise ZipTooLarge(_("文件解压后过大：压缩包内的文件数超过上限 %(n)d 个，疑似压缩炸弹，已拒绝。") % {"n": members})
    total_limit, ratio_limit = zip_limit("IMPORT_MAX_UNZIPPED_BYTES"), zip_limit("IMPORT_MAX_ZIP_RATIO")
    part_limit = zip_limit("IMPORT_MAX_XML_PART_BYTES")
    total = sum(i.file_size for i in infos)
    if total > total_limit:
        raise ZipTooLarge(_("文件解压后过大：解压后共 %(size)s，超过上限 %(limit)s；请拆分文件或另存为 CSV 后再导入。")
                          % {"size": _size_label(total), "limit": _size_label(total_limit)})
    for info in infos:
        if info.file_size > _RATIO_FROM and info.file_size > ratio_limit * max(info.compress_size, 1):
            raise ZipTooLarge(_("文件解压后过大：其中 %(member)s 压缩比约 %(ratio)d:1，超过上限 %(limit)d:1，"
                                "疑似压缩炸弹，已拒绝。")
                              % {"member": info.filename[:100], "ratio": info.file_size // max(info.compress_size, 1),
                                 "limit": ratio_limit})
        if info.file_size > part_limit and "/worksheets/" not in info.filename:
            raise ZipTooLarge(_("文件解压后过大：其中 %(member)s 解压后 %(size)s，超过上限 %(limit)s。")
                              % {"member": info.filename[:100], "size": _size_label(info.file_size),
                                 "limit": _size_label(part_limit)})
    return infos


def _ooxml_kind(uploaded_file):
    """docx / xlsx / pptx for an Office Open XML zip, judged by its parts; None for another zip.
    A zip beyond the unpacking limits (check_zip) is refused with a ValidationError that says so."""
    try:
        names = {info.filename for info in check_zip(uploaded_file)}
    except ZipTooLarge as exc:
        raise ValidationError(_("文件“%(name)s”：%(reason)s") % {
            "name": safe_filename(getattr(uploaded_file, "name", "") or ""), "reason": exc}, code="zip_bomb")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        uploaded_file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return None


def detect_kind(uploaded_file):
    """The type of a file judged by its bytes, or None when it is none we know."""
    head = _read_head(uploaded_file)
    if not head:
        return None
    guess = filetype.guess(head)
    if guess is not None:
        kind = {"jpeg": "jpg", "tiff": "tif"}.get(guess.extension, guess.extension)
        if kind in ("zip", "docx", "xlsx", "pptx"):
            return _ooxml_kind(uploaded_file) or ("zip" if kind == "zip" else None)
        return kind
    text = _decode_text(head)
    if text is None:
        return None
    if text.lstrip()[:1] == "<":  # HTML/SVG/XML: could run script when opened in a browser
        return None
    return "csv" if _looks_like_csv(text) else "txt"


def validate_upload(uploaded_file, allowed=None, max_bytes=None):
    """Check an uploaded file; return an UploadInfo or raise ValidationError with a Chinese message.

    allowed: a set of kinds (see MIME_TYPES and the presets); `txt` also admits `csv` content.
    max_bytes: defaults to settings.IPDESK_UPLOAD_MAX_BYTES.
    """
    allowed = frozenset(allowed or DEFAULT_ALLOWED)
    limit = max_bytes or settings.IPDESK_UPLOAD_MAX_BYTES
    display = safe_filename(getattr(uploaded_file, "name", "") or "")
    if uploaded_file is None:
        raise ValidationError(_("没有收到文件，请选择要上传的文件。"), code="missing")
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("文件“%(name)s”大小为 %(size)s，超过上限 %(limit)s。")
                              % {"name": display, "size": _size_label(size), "limit": _size_label(limit)}, code="too_big")
    if not size:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": display}, code="empty")
    kind = detect_kind(uploaded_file)
    if kind == "csv" and "csv" not in allowed and "txt" in allowed:
        kind = "txt"
    elif kind == "txt" and "txt" not in allowed and "csv" in allowed:
        kind = None  # text that is not a table is not a CSV
    if kind is None or kind not in allowed:
        found = kind or _("无法识别的类型")
        raise ValidationError(
            _("文件“%(name)s”的实际内容类型为 %(found)s，不在允许的类型（%(allowed)s）之内；系统按文件内容而非扩展名判断类型。")
            % {"name": display, "found": found, "allowed": "、".join(sorted(allowed))}, code="type")
    digest = hashlib.sha256()
    total = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter(lambda: uploaded_file.read(65536), b""):
        total += len(chunk)
        if total > limit:
            raise ValidationError(_("文件“%(name)s”超过上限 %(limit)s。") % {"name": display, "limit": _size_label(limit)},
                                  code="too_big")
        digest.update(chunk)
    uploaded_file.seek(0)
    return UploadInfo(kind=kind, mime_type=MIME_TYPES.get(kind, "application/octet-stream"), size=total,
                      sha256=digest.hexdigest(), filename=safe_filename(getattr(uploaded_file, "name", ""), kind))


def attach(obj, uploaded_file, user, allowed=None, max_bytes=None):
    """Validate and store `uploaded_file` as an Attachment of `obj`; audited. Raises ValidationError."""
    info = validate_upload(uploaded_file, allowed=allowed, max_bytes=max_bytes)
    ct = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        att = Attachment(content_type=ct, object_id=str(obj.pk), filename=info.filename, mime_type=info.mime_type,
                         size=info.size, sha256=info.sha256, uploaded_by=user if getattr(user, "pk", None) else None)
        same = Attachment.objects.filter(sha256=info.sha256).exclude(file="").first()
        if same is not None and same.file.storage.exists(same.file.name):
            att.file.name = same.file.name  # identical bytes are stored once
        else:
            uploaded_file.seek(0)
            att.file.save(info.sha256, uploaded_file, save=False)  # the name is the hash (attachment_path)
        att.save()
        audit.record(AuditAction.CREATE, att, after={"target": f"{ct.app_label}.{ct.model}:{obj.pk}",
                                                    "filename": att.filename, "sha256": att.sha256, "size": att.size},
                     object_repr=f"{obj} · {att.filename}"[:200], user=user)
    return att


def attachments_for(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return Attachment.objects.filter(content_type=ct, object_id=str(obj.pk))


# ---- Views --------------------------------------------------------------------------------------

def _target(user, app_label, model_name, object_id, action):
    """The record an attachment belongs to, if the user may reach it for `action`; else 404."""
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist:
        raise Http404
    model = ct.model_class()
    if model is None or not hasattr(model.objects, "restrict") or getattr(model, "scope", None) is None:
        raise Http404
    if action == CHANGE:
        action = getattr(model, "attachment_upload_action", CHANGE)  # e.g. VIEW where enterprises add files
    try:
        return model.objects.restrict(user, action).get(pk=object_id)
    except (model.DoesNotExist, ValueError, ValidationError):
        raise Http404


def _back(request, obj):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(nxt)
    try:
        return redirect(obj.get_absolute_url())
    except Exception:
        return redirect("core:home")


@login_required
@require_POST
def upload_view(request, app_label, model_name, object_id):
    """POST a file (field `file`) to a record the user may change; back to the record with a message."""
    obj = _target(request.user, app_label, model_name, object_id, CHANGE)
    if request.user.is_read_only:
        raise Http404
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, _("没有收到文件，请选择要上传的文件。"))
        return _back(request, obj)
    allowed = getattr(type(obj), "attachment_types", None)
    stored = []
    try:
        with transaction.atomic():  # several files: all or none
            for f in files:
                stored.append(attach(obj, f, request.user, allowed=allowed))
    except ValidationError as exc:
        messages.error(request, _("上传失败：") + "；".join(exc.messages))
        return _back(request, obj)
    messages.success(request, _("已上传 %(n)d 个文件。") % {"n": len(stored)})
    return _back(request, obj)


@login_required
@require_safe   # GET, and HEAD (the same headers, no body)
def download_view(request, pk):
    """An attachment's bytes, for a user who may see the record it belongs to; always as a download."""
    att = get_object_or_404(Attachment, pk=pk)
    model = att.content_type.model_class()
    if model is None:
        raise Http404
    _target(request.user, att.content_type.app_label, att.content_type.model, att.object_id, VIEW)
    try:
        handle = att.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=att.filename, content_type=att.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def may_delete(user, att, obj):
    """Who may remove an attachment: its uploader, or someone who may change the record it belongs to.

    Adding a file can be wider than changing the record (an enterprise adds evidence to its own
    assistance case, `attachment_upload_action = VIEW`); removing one is not: the enterprise may take
    back what it filed, never what an officer filed (等保: 访问控制 — 最小权限)."""
    if getattr(user, "is_read_only", True):
        return False
    if att.uploaded_by_id is not None and att.uploaded_by_id == user.pk:
        return True
    return type(obj).objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()


@login_required
@require_POST
def delete_view(request, pk):
    """Remove an attachment (its uploader, or a user who may change the record); audited. The stored
    bytes go once no other row uses them."""
    att = get_object_or_404(Attachment, pk=pk)
    obj = _target(request.user, att.content_type.app_label, att.content_type.model, att.object_id, CHANGE)
    if request.user.is_read_only:
        raise Http404
    if not may_delete(request.user, att, obj):
        raise PermissionDenied(_("只有上传者本人或可修改该记录的工作人员可以删除此附件。"))
    with transaction.atomic():
        audit.record(AuditAction.DELETE, att, before={"target": f"{att.content_type.app_label}.{att.content_type.model}:"
                                                                f"{att.object_id}", "filename": att.filename,
                                                      "sha256": att.sha256, "size": att.size,
                                                      "uploaded_by": getattr(att.uploaded_by, "username", "")},
                     object_repr=f"{obj} · {att.filename}"[:200], user=request.user)
        name = att.file.name
        att.delete()
        if name and not Attachment.objects.filter(file=name).exists():
            transaction.on_commit(lambda: att.file.storage.delete(name))
    messages.success(request, _("已删除附件“%(name)s”。") % {"name": att.filename})
    return _back(request, obj)


__all__ = ["validate_upload", "attach", "attachments_for", "may_delete", "safe_filename", "detect_kind", "UploadInfo",
           "check_zip", "ZipTooLarge", "DOCUMENTS", "IMAGES", "SPREADSHEETS", "IMPORTS", "MIME_TYPES"]
