"""Helpers for the commission tests (kept out of conftest.py, which other work owns)."""
from webob import Request


def handler_get_text(block, handler, query=""):
    """GET a handler; returns (status, body as text)."""
    request = Request.blank("/" + (f"?{query}" if query else ""), method="GET")
    response = block.runtime.handle(block, handler, request)
    return response.status_code, response.body.decode("utf-8", "replace")
