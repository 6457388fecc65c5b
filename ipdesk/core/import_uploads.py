"""An uploaded import file: saved where the import job reads it, and the job started (数据导入).

The import page (core.import_views) and the import endpoint of the API (registry.api, POST /api/imports/<kind>/)
both come here, so an upload is stored and queued one way. The job ("import", core.imports.import_job) deletes
the file when it has read it; an import run at once (the API without background=true) deletes it itself.
"""
import uuid
from pathlib import Path

from django.utils.translation import gettext as _

from . import jobs
from .imports import imports_dir


def save_upload(upload):
    """Write an UploadedFile under a fresh name in the imports directory (its suffix kept, lowercased, so the
    reader knows CSV from XLSX); the path."""
    target = imports_dir() / f"upload-{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(target, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return target


def start_import(spec, upload, user, *, keep_good=False, dry_run=False, columns=None):
    """Save `upload` and queue the import job of kind `spec`; the Job."""
    target = save_upload(upload)
    title = _("%(label)s导入：%(file)s") % {"label": spec.label, "file": upload.name}
    return jobs.start("import", str(title)[:200], user, record_type=spec.name, path=str(target),
                      filename=upload.name, keep_good=keep_good, dry_run=dry_run, columns=columns or None)
