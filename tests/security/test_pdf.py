"""Attack: a PDF that reads local files or makes the server fetch URLs.

WeasyPrint embeds the file named by `<a rel="attachment" href="…">` in the PDF and fetches every
image, stylesheet and font a document names. A region name that reached the bulletin's SVG chart
unescaped made the bulletin PDF carry /etc/passwd; the case summary let WeasyPrint fetch over HTTP
from the server itself. Every PDF now goes through ipdesk.core.pdf.render_pdf, whose URL fetcher
serves only the project's own static files, and every value entering SVG/HTML is escaped."""
import datetime
import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from ipdesk.core.pdf import BASE_URL, RefusedURL, StaticOnlyFetcher, render_pdf

D = datetime.date
pytestmark = pytest.mark.django_db

PAYLOAD = '</text></svg><a rel="attachment" href="file:///etc/passwd">x</a><svg><text>'
PASSWD = "root:x:0:0"


def _has_passwd_or_attachment(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    attachments = reader.attachments
    text = "".join(page.extract_text() for page in reader.pages)
    contents = b"".join(b"".join(v) for v in attachments.values())
    return bool(attachments) or b"/EmbeddedFile" in pdf or PASSWD.encode() in contents or PASSWD in text


def _text(pdf):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def listener():
    """A local HTTP server that records every request: the target of a server-side request forgery."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


# ---- The bulletin ------------------------------------------------------------------------------------
def _patent(region, n, grant):
    from ipdesk.registry.models import Patent
    from ipdesk.registry.rules import _app_check
    body = f"20211{n:07d}"
    return Patent.objects.create(application_no=f"{body}.{_app_check(body)}", patent_type="invention",
                                 title=f"测试专利{n}", holder_name=f"权利人{n}", region=region, is_domestic=True,
                                 country_code="37", filing_date=D(2021, 3, 1), grant_date=grant, legal_status="valid")


def test_region_name_cannot_attach_a_local_file_to_the_bulletin_pdf(clients, regions):
    _patent(regions["370481"], 1, D(2022, 4, 1))
    _patent(regions["370403"], 2, D(2022, 3, 1))
    c = clients["city"]
    region = regions["370481"]
    response = c.post(f"/regions/{region.pk}/edit/", {
        "code": region.code, "name": PAYLOAD, "short_name": region.short_name, "level": region.level,
        "parent": region.parent_id, "sort_order": region.sort_order, "address_keywords": region.address_keywords,
        "_version": region.version})
    assert response.status_code == 302, response.content.decode()[-2000:]
    region.refresh_from_db()
    assert region.name == PAYLOAD
    response = c.post("/stats/bulletins/prepare/", {"year": 2022, "month": 6})
    assert response.status_code == 302
    from ipdesk.stats.models import Bulletin
    bulletin = Bulletin.objects.get(year=2022, month=6)
    response = c.get(f"/stats/bulletins/{bulletin.pk}/download.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = response.content
    assert not _has_passwd_or_attachment(pdf)
    text = _text(pdf)
    assert "专利工作情况通报" in text and "薛城区" in text   # the CJK font still renders
    assert 'rel="attachment"' in text.replace("\n", "") or "attachment" in text   # the name shows as text


def test_bulletin_chart_svg_escapes_names():
    from ipdesk.stats.bulletin import bar_chart_svg
    svg = bar_chart_svg([PAYLOAD], [(PAYLOAD, [1], "#2f6fb3")])
    assert "<a " not in svg and "</svg><a" not in svg and "&lt;/text&gt;" in svg


# ---- The case summary ----------------------------------------------------------------------------------
@pytest.fixture
def case(users, regions):
    from ipdesk.protection import actions
    from ipdesk.protection.models import AdjudicationCase
    ent = users["enterprise"].enterprise
    case = AdjudicationCase.objects.create(title="侵犯实用新型专利权纠纷", requester=ent, requester_name=ent.name,
                                           respondent_name=PAYLOAD, respondent_address='<img src="file:///etc/passwd">',
                                           patent_no="201710601862.3", region=regions["370403"],
                                           received_on=D(2024, 5, 17))
    actions.register(case, users["district"])
    return case


def test_case_summary_pdf_with_a_malicious_field(clients, case):
    response = clients["district"].get(f"/protection/adjudications/{case.pk}/print/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not _has_passwd_or_attachment(response.content)
    text = _text(response.content)
    assert case.number in text and "摘要" in text and "办理时间线" in text


def test_case_summary_pdf_fetches_nothing_but_static_files(clients, case, listener, monkeypatch):
    """Even if markup reached the summary unescaped, WeasyPrint may not read local files or call URLs."""
    from ipdesk.protection import views
    url, hits = listener
    original = views.render_to_string

    def injected(*args, **kwargs):
        html = original(*args, **kwargs)
        return html.replace("</body>", f'<a rel="attachment" href="file:///etc/passwd">x</a>'
                                       f'<link rel="stylesheet" href="{url}/ssrf.css"><img src="{url}/ssrf.png">'
                                       f'<img src="/admin/"></body>')
    monkeypatch.setattr(views, "render_to_string", injected)
    response = clients["district"].get(f"/protection/adjudications/{case.pk}/print/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not _has_passwd_or_attachment(response.content)
    assert hits == []
    assert case.number in _text(response.content)


# ---- The fetcher itself ------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "http://127.0.0.1/", "https://example.com/x.css",
    "ftp://127.0.0.1/x", "data:text/plain;base64,cm9vdDp4OjA6MA==", f"{BASE_URL}static/../../../../etc/passwd",
    f"{BASE_URL}static/%2e%2e/%2e%2e/settings.py", f"{BASE_URL}admin/", f"{BASE_URL}static/no/such/file.css",
    "/etc/passwd", "static:../../etc/passwd",
])
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files():
    from django.contrib.staticfiles import finders
    fetcher = StaticOnlyFetcher()
    for url in (f"{BASE_URL}static/ipdesk/ipdesk.css", "static:ipdesk/ipdesk.css"):
        response = fetcher.fetch(url)
        try:
            assert response.read() == open(finders.find("ipdesk/ipdesk.css"), "rb").read()
            assert response.content_type == "text/css"
        finally:
            response.close()


def test_render_pdf_uses_static_files_and_refuses_the_rest(listener):
    url, hits = listener
    pdf = render_pdf('<html><head><link rel="stylesheet" href="/static/ipdesk/ipdesk.css">'
                     f'<link rel="stylesheet" href="{url}/x.css"></head>'
                     '<body style="font-family: \'Noto Sans CJK SC\'"><p>专利通报 PDF</p>'
                     '<a rel="attachment" href="file:///etc/passwd">x</a>'
                     '<a rel="attachment" href="data:text/plain;base64,cm9vdDp4OjA6MA==">y</a>'
                     f'<img src="{url}/x.png"><img src="file:///etc/passwd"></body></html>')
    assert pdf.startswith(b"%PDF") and not _has_passwd_or_attachment(pdf) and hits == []
    assert "专利通报" in _text(pdf)


def test_every_pdf_goes_through_core_pdf():
    """Only ipdesk/core/pdf.py may call WeasyPrint; anything else would bypass the URL fetcher."""
    from pathlib import Path

    import ipdesk
    root = Path(ipdesk.__file__).parent
    users = {str(p.relative_to(root)) for p in root.rglob("*.py") if "weasyprint" in p.read_text(encoding="utf-8")}
    assert users == {"core/pdf.py"}
