"""Uploads: type by content, size limits, no path tricks, scoped upload and download."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ipdesk.core.models import Attachment, AuditEntry
from ipdesk.core.uploads import DOCUMENTS, IMPORTS, attach, detect_kind, safe_filename, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def xlsx_bytes():
    wb = Workbook()
    wb.active.append(["申请号", "名称"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_like():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(data, name):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("data,name,kind", [
    (PDF, "a.pdf", "pdf"), (PNG, "x.png", "png"), (xlsx_bytes(), "t.xlsx", "xlsx"), (docx_like(), "d.docx", "docx"),
    ("申请号,名称\n201710601862.3,一种装置\n".encode("utf-8-sig"), "p.csv", "csv"),
    ("申请号,名称\n201710601862.3,一种装置\n".encode("gb18030"), "p.csv", "csv"),
    ("情况说明：企业已整改。".encode(), "n.txt", "txt"),
])
def test_type_is_decided_by_content(data, name, kind):
    assert detect_kind(upload(data, name)) == kind


@pytest.mark.parametrize("data,name", [
    (EXE, "report.pdf"),                                       # a program dressed as a PDF
    (b"<html><script>alert(1)</script></html>", "a.txt"),      # HTML would run in a browser
    (b"<svg onload=alert(1)>", "logo.png"),
    (b"\x00\x01\x02binary", "data.csv"),
])
def test_disguised_files_are_refused(data, name):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(data, name), allowed=DOCUMENTS)
    assert "实际内容类型" in exc.value.messages[0] and name.split("/")[-1] in exc.value.messages[0]


def test_allowed_set_is_respected_and_name_takes_content_extension():
    with pytest.raises(ValidationError):
        validate_upload(upload(PDF, "a.pdf"), allowed=IMPORTS)
    info = validate_upload(upload(PDF, "申报材料.docx"), allowed=DOCUMENTS)
    assert info.kind == "pdf" and info.filename == "申报材料.pdf" and info.mime_type == "application/pdf"


def test_size_limit_and_empty_file(settings):
    settings.IPDESK_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(PDF + b" " * 200, "big.pdf"))
    assert "超过上限" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(b"", "empty.pdf"))
    assert "空文件" in exc.value.messages[0]


@pytest.mark.parametrize("raw,clean", [
    ("../../etc/passwd", "passwd"), ("..\\..\\windows\\win.ini", "win.ini"), ("C:\\x\\报告.pdf", "报告.pdf"),
    ("a\x00b<>|.pdf", "ab___.pdf"), (".htaccess", "htaccess"), ("", "file"),
])
def test_safe_filename_strips_paths(raw, clean):
    assert safe_filename(raw) == clean


def test_attach_stores_by_hash_not_by_name(users, make_enterprise, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ent = make_enterprise("附件企业有限公司")
    att = attach(ent, upload(PDF, "../../../../tmp/evil.pdf"), users["city"])
    assert att.filename == "evil.pdf" and att.sha256 in att.file.name and "evil" not in att.file.name
    assert (tmp_path / att.file.name).resolve().is_relative_to(tmp_path.resolve())
    again = attach(ent, upload(PDF, "copy.pdf"), users["city"])
    assert again.file.name == att.file.name  # identical bytes stored once
    assert AuditEntry.objects.filter(object_type="core.attachment", action="create").count() == 2


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_upload_and_download_views_respect_scope(users, clients, make_enterprise, media):
    ent = make_enterprise("薛城附件企业有限公司", "370403")
    url = f"/attachments/registry/enterprise/{ent.pk}/upload/"
    # other district, leader (read-only), lawyer: no upload
    for role in ("other_district", "leader", "lawyer"):
        r = clients[role].post(url, {"file": upload(PDF, "a.pdf")})
        assert r.status_code == 404, role
    assert not Attachment.objects.exists()
    r = clients["district"].post(url, {"file": upload(PDF, "材料.pdf")})
    assert r.status_code == 302
    att = Attachment.objects.get()
    dl = f"/attachments/{att.pk}/download/"
    for role in ("district", "city", "leader"):
        r = clients[role].get(dl)
        assert r.status_code == 200 and b"".join(r.streaming_content) == PDF, role
        assert "attachment" in r["Content-Disposition"] and r["X-Content-Type-Options"] == "nosniff"
    for role in ("other_district", "lawyer", "enterprise"):
        assert clients[role].get(dl).status_code == 404, role
    # a bad file is refused with a message, nothing stored
    r = clients["district"].post(url, {"file": upload(EXE, "x.pdf")}, follow=True)
    assert "实际内容类型" in r.content.decode() and Attachment.objects.count() == 1
    # deleting: out-of-scope 404, in scope works
    assert clients["other_district"].post(f"/attachments/{att.pk}/delete/").status_code == 404
    assert clients["district"].post(f"/attachments/{att.pk}/delete/").status_code == 302
    assert not Attachment.objects.exists()


def test_upload_to_unknown_model_is_404(clients):
    assert clients["city"].post("/attachments/nope/nothing/1/upload/", {"file": upload(PDF, "a.pdf")}).status_code == 404
    assert clients["city"].post("/attachments/core/auditentry/abc/upload/",
                                {"file": upload(PDF, "a.pdf")}).status_code == 404


@pytest.fixture
def assistance_case(users, regions):
    """An assistance case of the enterprise user's own enterprise, in 薛城区."""
    import datetime

    from ipdesk.protection.models import AssistanceCase
    ent = users["enterprise"].enterprise
    return AssistanceCase.objects.create(title="展会侵权维权", source="outreach", right_type="patent", enterprise=ent,
                                         region=ent.region, received_on=datetime.date(2024, 5, 6))


def test_enterprise_cannot_delete_evidence_an_officer_attached(users, clients, assistance_case, media,
                                                               django_capture_on_commit_callbacks):
    """The requesting enterprise may add its own evidence to its case, but not remove what an officer filed."""
    url = f"/attachments/protection/assistancecase/{assistance_case.pk}/upload/"
    assert clients["district"].post(url, {"file": upload(PDF, "调查笔录.pdf")}).status_code == 302
    officer_file = Attachment.objects.get()
    stored = media / officer_file.file.name
    assert stored.exists()
    r = clients["enterprise"].post(f"/attachments/{officer_file.pk}/delete/")
    assert r.status_code in (403, 404)
    assert Attachment.objects.filter(pk=officer_file.pk).exists() and stored.exists()
    assert not AuditEntry.objects.filter(object_type="core.attachment", action="delete").exists()
    # its own upload it may take back; the deletion is audited with who, which file and which record
    assert clients["enterprise"].post(url, {"file": upload(PNG, "侵权照片.png")}).status_code == 302
    own = Attachment.objects.exclude(pk=officer_file.pk).get()
    # the case page offers the enterprise the delete button of its own file only
    page = clients["enterprise"].get(f"/protection/assistance/{assistance_case.pk}/").content.decode()
    assert f"/attachments/{own.pk}/delete/" in page and f"/attachments/{officer_file.pk}/delete/" not in page
    assert f"/attachments/{officer_file.pk}/delete/" in \
        clients["district"].get(f"/protection/assistance/{assistance_case.pk}/").content.decode()
    assert clients["enterprise"].post(f"/attachments/{own.pk}/delete/").status_code == 302
    assert not Attachment.objects.filter(pk=own.pk).exists()
    entry = AuditEntry.objects.get(object_type="core.attachment", action="delete")
    assert entry.username == "enterprise" and entry.object_id == str(own.pk)
    assert entry.before["filename"] == "侵权照片.png"
    assert entry.before["target"] == f"protection.assistancecase:{assistance_case.pk}"
    # an officer who may change the case removes the officer's file; one of another district may not
    assert clients["other_district"].post(f"/attachments/{officer_file.pk}/delete/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert clients["city"].post(f"/attachments/{officer_file.pk}/delete/").status_code == 302
    assert not Attachment.objects.exists() and not stored.exists()
