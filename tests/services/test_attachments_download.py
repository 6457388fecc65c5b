"""A request's attachment is served by core.uploads.download_view: always a download, never sniffed, sandboxed
(Content-Security-Policy sandbox), and only through the request it belongs to."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ipdesk.core.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(clients, users, make_request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = make_request(users["enterprise"], title="带附件的申请")
    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert clients["enterprise"].post(reverse("services:request_step", args=[req.pk, "attach"]),
                                      {"file": pdf}).status_code == 302
    return req, Attachment.objects.get()


def test_request_attachment_download_is_sandboxed(clients, attached):
    req, att = attached
    resp = clients["commissioner"].get(reverse("services:request_attachment", args=[req.pk, att.pk]))
    assert resp.status_code == 200
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp["Content-Security-Policy"]
    assert resp["Content-Disposition"].startswith("attachment")
    assert b"".join(resp.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_request_attachment_only_through_its_own_request(clients, users, make_request, attached):
    req, att = attached
    other = make_request(users["enterprise"], title="另一个申请")
    assert clients["commissioner"].get(reverse("services:request_attachment", args=[other.pk, att.pk])).status_code == 404
    assert clients["other_district"].get(reverse("services:request_attachment", args=[req.pk, att.pk])).status_code == 404


def test_head_answers_like_get_without_the_bytes(clients, attached):
    """HEAD (a browser or download manager asking for the size first) gets the GET's headers, scope included."""
    req, att = attached
    url = reverse("services:request_attachment", args=[req.pk, att.pk])
    resp = clients["commissioner"].head(url)
    assert resp.status_code == 200 and "sandbox" in resp["Content-Security-Policy"]
    assert resp["Content-Disposition"].startswith("attachment")
    assert clients["other_district"].head(url).status_code == 404
    assert clients["commissioner"].head(reverse("core:attachment_download", args=[att.pk])).status_code == 200
