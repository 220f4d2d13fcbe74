"""File uploads to a block handler: one multipart/form-data file, with its own size limit.

JSON handlers take at most 64 KB (elsx.blocks.base.MAX_BODY_BYTES); a document needs more, so
upload handlers read the body themselves. In the LMS, Django has parsed the multipart body and the
platform has refused files above STUDENT_FILEUPLOAD_MAX_SIZE before the handler runs
(lms/djangoapps/courseware/block_render.py, _invoke_xblock_handler and _check_files_limits); the
webob request's POST then holds the files (xblock/django/request.py, DjangoWebobRequest.POST).
In the workbench and the tests, webob parses the body itself.
"""
import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _
from xblock.core import XBlock

from elsx.blocks.base import answer_json, caller, query_params, wrong_method
from elsx.errors import InvalidInput
from elsx.validation import require_keys

# Room for the multipart boundaries and part headers around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str  # as the browser sent it: a label, never a path


def _the_file(request, field):
    """The one file in the form's field; InvalidInput for anything else in the body."""
    if request.content_type != "multipart/form-data":
        raise InvalidInput(_("Send the file as multipart/form-data."))
    try:
        form = request.POST
        names = list(form.keys())
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, AssertionError):
        raise InvalidInput(_("The upload could not be read; choose the file again.")) from None
    unknown = sorted(set(names) - {field})
    if unknown:
        raise InvalidInput(_("Unknown field(s): {names}.").format(names=", ".join(name[:40] for name in unknown)))
    parts = form.getall(field)
    if len(parts) != 1 or not hasattr(parts[0], "file"):
        raise InvalidInput(_("Choose one file to attach."), field=field)
    return parts[0]


def upload_handler(field, limits):
    """Wrap a block handler that takes one uploaded file in form field `field`.

    limits (a module such as elsx.agency.documents) has max_bytes(), too_large() (the error)
    and read(file object), which returns the bytes and raises past the limit, so a body that
    lies about its length is still cut off. The wrapped function gets
    (self, Upload, learner) and returns a dict. Errors become 4xx JSON with nothing stored;
    a database failure becomes 503. Refused while staff masquerade or in Studio's preview.
    """
    def decorate(func):
        @functools.wraps(func)
        def wrapper(self, request, suffix=""):
            if request.method != "POST":
                return wrong_method("POST")

            def produce():
                learner = caller(self)
                require_keys(query_params(request), ())
                if (request.content_length or 0) > limits.max_bytes() + MULTIPART_OVERHEAD:
                    raise limits.too_large()  # before parsing anything
                part = _the_file(request, field)
                upload = Upload(limits.read(part.file), part.filename if isinstance(part.filename, str) else "")
                return func(self, upload, learner)
            return answer_json(func.__name__, produce)
        wrapper.elsx_handler = {"staff_only": False, "method": "POST", "records": True, "author": False,
                                "upload": field}
        return XBlock.handler(wrapper)
    return decorate

