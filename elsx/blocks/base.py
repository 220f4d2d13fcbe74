"""What every elsx block shares: who the learner is, JSON handlers, rendering."""
import functools
import json
import logging
from urllib.parse import parse_qsl

from django.db import DatabaseError
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock

from elsx import compat, templating
from elsx.errors import ElsxError, InvalidInput, NotAllowed
from elsx.learners import Learner

log = logging.getLogger(__name__)

# Who Studio's preview shows the blocks to: an id with no rows, so every view shows a new learner's
# sample state, and nothing real is read or written.
PREVIEW_LEARNER = Learner(id="elsx-studio-preview", full_name="Sample Learner", username="sample")
PREVIEW, MASQUERADE = "preview", "masquerade"


def read_only_note(reason):
    if reason == MASQUERADE:
        return _("You are viewing this as a learner. Nothing you do here is saved to their record.")
    return _("Studio preview with a sample learner: nothing you do here is saved.")

MAX_BODY_BYTES = 64 * 1024


def json_response(data, status=200):
    return Response(body=json.dumps(data).encode("utf-8"), status=status,
                    content_type="application/json", charset="utf-8")


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed")


def parse_json_body(request):
    """The request's JSON object, or InvalidInput with a message fit for the learner."""
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        raise InvalidInput(_("The request is too large (at most {limit} KB).").format(limit=MAX_BODY_BYTES // 1024))
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise InvalidInput(_("The request body must be a JSON object."))
    return data


# Query parameters that belong to the runtime, not to our handlers: the
# workbench names its user with ?student=<id> on every handler URL.
RUNTIME_QUERY_PARAMS = frozenset({"student"})


def query_params(request):
    """A GET request's parameters, without the runtime's own; InvalidInput if they are not UTF-8."""
    try:
        return {key: value for key, value in request.GET.items() if key not in RUNTIME_QUERY_PARAMS}
    except UnicodeDecodeError:  # webob decodes the query string lazily, as UTF-8
        names = [name for name, value in parse_qsl(request.query_string, keep_blank_values=True, errors="replace")
                 if "\ufffd" in name + value]
        name = (names or ["?"])[0][:40]
        raise InvalidInput(_("{label} contains characters that are not valid text.").format(label=name),
                           field=name) from None


def wrong_method(method):
    response = json_response({"error": _("Use {method} for this request.").format(method=method)}, 405)
    response.headers["Allow"] = method
    return response


def caller(block, records=True, author=False, staff_only=False):
    """The learner a handler acts for, or NotAllowed: signed in, not a read-only view, staff if need be."""
    learner = compat.learner_from_runtime(block) if author else block.current_learner()
    reason = block.read_only_reason() if records else None
    if reason:
        raise NotAllowed(read_only_note(reason), read_only=reason)
    if learner.is_anonymous:
        raise NotAllowed(_("Sign in to continue."))
    if staff_only and not learner.is_staff:
        raise NotAllowed(_("This is for course staff only."))
    return learner


def answer_json(name, produce):
    """produce()'s dict as JSON; API errors as 4xx JSON; a database failure as 503 (rolled back)."""
    try:
        return json_response(produce())
    except ElsxError as exc:
        return json_response(exc.as_dict(), exc.status)
    except DatabaseError:
        log.exception("elsx: database error in handler %s", name)
        return json_response({"error": _("The service is temporarily unavailable; nothing was saved. "
                                         "Please try again.")}, 503)


def file_chunks(handle, size=64 * 1024):
    """A stored file as a response's app_iter, closed when done."""
    with handle:
        while True:
            chunk = handle.read(size)
            if not chunk:
                return
            yield chunk


def json_handler(staff_only=False, method="POST", records=True, author=False):
    """Wrap a block handler: method check, JSON parsing, permission, error mapping.

    The wrapped function gets (self, data, learner) and returns a dict. Errors
    from the API become 4xx JSON; a database failure becomes 503 after the
    transaction rolled back, so nothing partial is stored. A handler that
    records learner data (records=True) is refused, 403, while staff
    masquerade or in Studio's preview. Authoring handlers (author=True)
    are never refused for that and get the real user, for Studio's
    write-access check.
    """
    records = records and not author
    def decorate(func):
        @functools.wraps(func)
        def wrapper(self, request, suffix=""):
            if request.method != method:
                return wrong_method(method)

            def produce():
                learner = caller(self, records, author, staff_only)
                data = parse_json_body(request) if method == "POST" else query_params(request)
                return func(self, data, learner)
            return answer_json(func.__name__, produce)
        wrapper.elsx_handler = {"staff_only": staff_only, "method": method, "records": records, "author": author}
        return XBlock.handler(wrapper)
    return decorate


def safe_view_data(build):
    """Wrap student_view_data: the Blocks API collects it once per course, with no user, and caches it for
    everyone (lms/djangoapps/course_api/blocks/transformers/student_view.py, StudentViewTransformer.collect);
    an exception there breaks the whole course's block structure, so a broken block reports an error instead."""
    @functools.wraps(build)
    def wrapper(self, context=None):
        try:
            return build(self, context)
        except Exception:  # pylint: disable=broad-except
            log.exception("elsx: student_view_data failed for %s", self.scope_ids.usage_id)
            return {"error": "unavailable"}
    return wrapper


class ElsxBlockMixin:
    """Identity, course, translation and fragment helpers for elsx blocks."""

    def current_learner(self):
        """The learner the block serves: the runtime's user, or the sample learner in Studio's preview."""
        if compat.is_author_mode(self):
            return PREVIEW_LEARNER
        return compat.learner_from_runtime(self)

    def read_only_reason(self):
        """PREVIEW, MASQUERADE or None: whether this view may record anything."""
        if compat.is_author_mode(self):
            return PREVIEW
        if compat.is_masquerading(self):
            return MASQUERADE
        return None

    def course_key(self):
        return compat.course_key_for(self)

    def fragment(self, template, context, js_class=None, js_args=None, css=("css/elsx.css",), js=(), note=True):
        html = templating.render(template, context)
        reason = self.read_only_reason() if note else None
        if reason:  # seen only by staff masquerading, or authors in Studio
            html = templating.render("elsx/read_only_note.html", {"note": read_only_note(reason),
                                                                    "reason": reason}) + html
        frag = Fragment(html)
        for name in css:
            frag.add_css(templating.static_text(name))
        for name in js:
            frag.add_javascript(templating.static_text(name))
        if js_class:
            frag.initialize_js(js_class, js_args or {})
        return frag

    def dom_id(self, suffix=""):
        """An id unique to this block on the page (several topics can share one)."""
        raw = str(self.scope_ids.usage_id)
        safe = "".join(char if char.isalnum() else "-" for char in raw)[-60:]
        return f"elsx-{safe}{'-' + suffix if suffix else ''}"
