"""The one place that knows which WeasyPrint URL-fetcher API is installed.

WeasyPrint 68 added weasyprint.urls.URLFetcher: a class whose fetch(url) returns a URLFetcherResponse.
WeasyPrint 67 and older call url_fetcher(url) and expect a dict. Both must work: the Open edX platform
pins tinycss2==1.4.0 (for bleach[css]), and only WeasyPrint 66 and older accept it (docs/platform.md).

FetcherBase gives a subclass the same shape on both: override fetch(url) and return Response(url, body,
content_type); WeasyPrint calls the instance. Nothing here fetches anything by itself.
"""
from io import BytesIO

try:
    from weasyprint.urls import URLFetcher as _URLFetcher
    from weasyprint.urls import URLFetcherResponse as _URLFetcherResponse
except ImportError:  # WeasyPrint <= 67
    _URLFetcher = None

HAS_URL_FETCHER_CLASS = _URLFetcher is not None


if HAS_URL_FETCHER_CLASS:
    class FetcherBase(_URLFetcher):
        def __init__(self):
            # Belt and braces: even the base class's own opener may only speak https and never follows redirects.
            super().__init__(allowed_protocols=("https",), allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            raise NotImplementedError

    def Response(url, body, content_type):  # noqa: N802 (stands for a class on both APIs)
        return _URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

else:
    class Response:
        """What URLFetcherResponse offers that the renderer and its tests use."""

        def __init__(self, url, body, content_type):
            self.url, self.body, self.content_type = url, body, content_type
            self._file = BytesIO(body)

        def read(self, *args):
            return self._file.read(*args)

        def close(self):
            self._file.close()

    class FetcherBase:
        def fetch(self, url, headers=None):
            raise NotImplementedError

        def __call__(self, url):
            # weasyprint/urls.py (<= 67): a dict with "string" or "file_obj", "mime_type", "redirected_url".
            response = self.fetch(url)
            return {"string": response.body, "mime_type": response.content_type, "redirected_url": response.url}
