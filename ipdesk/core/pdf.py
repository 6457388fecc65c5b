"""The one place that turns HTML into PDF (WeasyPrint) for the whole project.

WeasyPrint fetches every URL a document names — stylesheets, fonts, images, and the files named by
`<a rel="attachment">`, which it embeds in the PDF. A document built from user data could thus
carry local files (file:///etc/passwd) or make the server request URLs of its own network (OWASP
SSRF). `render_pdf` gives WeasyPrint a fetcher that serves only the project's own static files,
found by django.contrib.staticfiles, and refuses every other URL:

- `/static/…` (resolved against BASE_URL) and `static:…` map to a file the staticfiles finders know,
  read from disk; nothing else on disk is reachable (finders refuse `..`; so does this module);
- `file:`, `http(s):`, `ftp:` and every other scheme are refused;
- `data:` is refused as well: it reads nothing outside the document, but none of our documents needs
  it, and through an injection it would let someone plant an arbitrary file (say an executable) as
  an attachment of an official PDF the office hands out.

Fonts come from the system (fontconfig, "Noto Sans CJK SC"), not through the fetcher.
"""
import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

#: Relative URLs in a document resolve against this origin. The `.invalid` top-level domain never
#: resolves (RFC 6761 §6.4), so even a URL that slipped past the fetcher could not reach a server.
BASE_URL = "https://ipdesk.invalid/"


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch. WeasyPrint logs it and renders without the resource."""


def static_file(url):
    """The local path of the static file `url` names, or None when it names anything else."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    if url.startswith("static:"):
        relative = url[len("static:"):]
    else:
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
            return None
        relative = parts.path[len(prefix):]
    relative = unquote(relative.split("?")[0].split("#")[0])
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/") \
            or ".." in relative.split("/") or posixpath.normpath(relative) != relative:
        return None
    try:
        found = finders.find(relative)
    except Exception:  # SuspiciousFileOperation: a path that leaves the static directories
        return None
    return found if isinstance(found, str) else None


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to the project's static files (see the module docstring)."""

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False)

    def fetch(self, url, headers=None):
        path = static_file(url)
        if path is None:
            logger.warning("PDF rendering refused to fetch %.200s", url)
            raise RefusedURL(f"PDF 生成时拒绝读取外部资源：{url[:200]}")
        with open(path, "rb") as f:
            body = f.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_pdf(html):
    """PDF bytes of an HTML document; only the project's static files may be fetched while rendering."""
    from weasyprint import HTML
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
