"""Certificate PDFs with WeasyPrint: PDF/A-3b, bundled fonts, an Open Badges attachment.

Speed comes from parsing the template's CSS once per process and reusing the
FontConfiguration and an image cache for every document (see bench/). The
renderer fetches nothing but its own files: AssetFetcher serves files under
the certificates/ folder from a fake https origin and refuses every other URL,
so a name like <img src="file:///etc/passwd"> (escaped anyway) can't read
anything even if escaping were ever broken.

certificate_pdf() needs no Django, so bulk issuance can run it in worker
processes; certificate_html() renders the Django template in the caller.
"""
import logging
import mimetypes
import re
import threading
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from elsx.certificates.weasyprint_compat import FetcherBase, Response
from elsx.resources import certificate_assets_dir

log = logging.getLogger(__name__)

# Relative URLs in the template resolve against this origin; ".invalid" can
# never resolve on a network, and only the fetcher below answers for it.
ASSET_ORIGIN = "https://assets.elsx.invalid/"
SERVED_SUFFIXES = {".css", ".woff2", ".woff", ".ttf", ".otf", ".svg", ".png"}
CONFIGURED_SUFFIXES = {".svg", ".png"}
CACHE_MAX_ENTRIES = 64
PDF_VARIANT = "pdf/a-3b"
ATTACHMENT_NAME = "open-badges-credential.json"
HARFBUZZ_PACKAGE = "libharfbuzz-subset0"

# Han, kana, hangul and their punctuation/compatibility blocks: the bundled
# CJK font is large, so it is parsed only for text that needs it.
_CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af"
                  "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")


class RefusedURL(ValueError):
    """The renderer asked for something outside the certificate assets."""


class AssetFetcher(FetcherBase):
    """Serves files under one folder, addressed through ASSET_ORIGIN; refuses everything else."""

    def __init__(self, root):
        super().__init__()
        self.root = Path(root).resolve()
        # Configured images (signature, logo) by the name the template uses: {"configured/x.png": Path}.
        self.extra = {}
        # The last requests, for tests and for diagnosing a template: (url, served).
        self.requests = deque(maxlen=256)

    def local_path(self, url):
        """The asset file url names, or None if it is not one of ours."""
        if not isinstance(url, str) or not url.startswith(ASSET_ORIGIN):
            return None
        parts = urlsplit(url)
        relative = unquote(parts.path).lstrip("/")
        if relative in self.extra:
            path = self.extra[relative]
            if isinstance(path, bytes):  # generated in memory (the QR code)
                return path
            return path if path.suffix.lower() in CONFIGURED_SUFFIXES and path.is_file() else None
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or candidate.suffix.lower() not in SERVED_SUFFIXES:
            return None
        return candidate if candidate.is_file() else None

    def fetch(self, url, headers=None):
        path = self.local_path(url)
        self.requests.append((str(url)[:300], path is not None))
        if path is None:
            scheme = str(url).split(":", 1)[0][:16] if ":" in str(url) else "relative"
            # The URL itself may carry learner text if escaping ever failed: log the scheme only.
            log.warning("elsx certificate renderer refused a %s URL", scheme)
            raise RefusedURL("the certificate renderer only loads its own assets")
        if isinstance(path, bytes):
            return Response(url, path, "image/png")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        return Response(url, path.read_bytes(), content_type)

    def refused(self):
        return [url for url, served in self.requests if not served]


def harfbuzz_subsetting_available():
    """Whether WeasyPrint can subset fonts with HarfBuzz (fast) rather than fontTools (slow)."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
        return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    except (ImportError, AttributeError):  # a WeasyPrint without the binding
        return False


_warned_lock = threading.Lock()
_warned = False


def warn_once_without_harfbuzz():
    global _warned  # pylint: disable=global-statement
    with _warned_lock:
        if _warned or harfbuzz_subsetting_available():
            return
        _warned = True
    log.warning("elsx: HarfBuzz font subsetting is unavailable, so certificates render about twice as "
                "slowly. Install the Debian package %s (or your system's HarfBuzz subset library).",
                HARFBUZZ_PACKAGE)


def needs_cjk(*texts):
    return any(_CJK.search(text or "") for text in texts)


class Renderer:
    """One per process: parsed stylesheets, a FontConfiguration and a cache, reused per document."""

    BASE_STYLESHEETS = ("fonts.css", "certificate.css")
    CJK_STYLESHEET = "fonts-cjk.css"

    def __init__(self, assets_dir=None):
        warn_once_without_harfbuzz()
        self.assets_dir = Path(assets_dir or certificate_assets_dir()).resolve()
        self.fetcher = AssetFetcher(self.assets_dir)
        self.font_config = FontConfiguration()
        self.cache = {}
        # WeasyPrint's font configuration is not safe to share between threads.
        self._lock = threading.RLock()
        self._base = [self._parse(name) for name in self.BASE_STYLESHEETS]
        self._cjk = None
        self._documents = {}

    def _parse(self, name):
        text = (self.assets_dir / name).read_text(encoding="utf-8")
        return CSS(string=text, base_url=ASSET_ORIGIN, url_fetcher=self.fetcher, font_config=self.font_config)

    def stylesheets(self, cjk=False):
        if not cjk:
            return self._base
        if self._cjk is None:
            self._cjk = self._parse(self.CJK_STYLESHEET)
        return self._base + [self._cjk]

    def pdf(self, html, credential_json=None, cjk=False, assets=()):
        """PDF/A-3b bytes for html, with the credential attached as JSON data.

        assets: (name, path) pairs of configured images the template refers to as name.
        """
        attachments = []
        if credential_json is not None:
            attachments.append(Attachment(
                string=credential_json, name=ATTACHMENT_NAME, url_fetcher=self.fetcher,
                description="Open Badges 3.0 credential for this certificate", relationship="Data"))
        with self._lock:
            self.fetcher.extra = {name: path if isinstance(path, bytes) else Path(path) for name, path in assets}
            document = HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=self.fetcher)
            data = document.write_pdf(
                stylesheets=self.stylesheets(cjk), font_config=self.font_config, cache=self.cache,
                pdf_variant=PDF_VARIANT, attachments=attachments)
            # Every QR code is a new image: keep the cache (logo, signature) from growing without end.
            if len(self.cache) > CACHE_MAX_ENTRIES:
                self.cache.clear()
            return data


    def document_pdf(self, html, stylesheet, cjk=False):
        """PDF bytes for another document of ours (the capstone plan): the fonts plus its own stylesheet."""
        with self._lock:
            if stylesheet not in self._documents:
                self._documents[stylesheet] = self._parse(stylesheet)
            sheets = [self._base[0], self._documents[stylesheet]]
            if cjk:
                sheets.append(self.stylesheets(True)[-1])
            document = HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=self.fetcher)
            return document.write_pdf(stylesheets=sheets, font_config=self.font_config, cache=self.cache,
                                      pdf_variant=PDF_VARIANT)


_renderer = None
_renderer_lock = threading.Lock()


def renderer():
    """The process's shared Renderer, created on first use."""
    global _renderer  # pylint: disable=global-statement
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer()
        return _renderer


def certificate_pdf(html, credential_json=None, cjk=False, assets=()):
    """Render prepared HTML (no Django needed: safe in worker processes)."""
    return renderer().pdf(html, credential_json, cjk, assets)


def configured_asset(path, stem):
    """(template name, path) for a configured PNG/SVG file, or None if it is not one.

    The name carries a digest of the file, so a replaced file is never served from the image cache.
    """
    import hashlib
    if not path:
        return None
    file = Path(path)
    if file.suffix.lower() not in CONFIGURED_SUFFIXES or not file.is_file():
        log.warning("elsx: configured certificate image is missing or not PNG/SVG; it is left out")
        return None
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    return f"configured/{stem}-{digest}{file.suffix.lower()}", str(file)


# --- the template (needs Django) --------------------------------------------

_engine = None


def template_engine():
    global _engine  # pylint: disable=global-statement
    if _engine is None:
        from django.template import Engine
        _engine = Engine(
            dirs=[str(certificate_assets_dir())],
            builtins=["django.templatetags.i18n", "elsx.templatetags.elsx_tags"],
            libraries={"elsx_tags": "elsx.templatetags.elsx_tags"},
            autoescape=True,
        )
    return _engine


def name_size(text, steps=((34, "xl"), (56, "l"), (90, "m"), (140, "s"))):
    """A size class so long names still fit one line or two on one page."""
    length = len(text or "")
    for limit, size in steps:
        if length <= limit:
            return size
    return "xs"


def certificate_html(context):
    from django.template import Context
    return template_engine().get_template("certificate.html").render(Context(context))
