"""The certificates API, imported lazily: the dashboard works before it exists.

elsx.certificates.api is built separately; until it is installed, issuing
reports "unavailable" and verification URLs are left blank rather than
guessed (a wrong URL on a regulator's roster is worse than none).
"""
import functools
import importlib
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from elsx.errors import Conflict, InvalidInput, NotFound, Unavailable

log = logging.getLogger(__name__)
API_MODULE = "elsx.certificates.api"


def api():
    """The certificates API module, or None when it is not installed yet."""
    try:
        return importlib.import_module(API_MODULE)
    except ImportError:
        return None


def issue_for_course(course_key):
    """Issue to every eligible learner who has claimed; the API's counts as a dict."""
    module = api()
    if module is None or not hasattr(module, "issue_for_course"):
        raise Unavailable(_("Certificate issuing is not installed on this site yet."))
    counts = module.issue_for_course(course_key)
    log.info("elsx: bulk certificate issue for %s: %s", course_key, counts)
    return dict(counts or {})


def waiting_count(course_key):
    """How many learners have claimed a certificate and hold none yet: what bulk issuing will look at."""
    module = api()
    if module is None or not hasattr(module, "claimed_without_certificate"):
        raise Unavailable(_("Certificate issuing is not installed on this site yet."))
    return module.claimed_without_certificate(course_key).count()


def issue_now_or_queue(course_key):
    """Bulk issuance for the dashboard: the counts, or None when it was queued.

    With Celery configured it runs as elsx.tasks.issue_certificates_task: rendering
    hundreds of PDFs would outlast a web request. Issuing is idempotent (a unique
    constraint decides), so a repeated click or an overlapping run is harmless.
    """
    from elsx.cohort import jobs  # pylint: disable=import-outside-toplevel
    if not jobs.celery_configured():
        return issue_for_course(course_key)
    module = api()
    if module is None or not hasattr(module, "issue_for_course"):
        raise Unavailable(_("Certificate issuing is not installed on this site yet."))
    from elsx.tasks import issue_certificates_task  # pylint: disable=import-outside-toplevel
    transaction.on_commit(lambda: issue_certificates_task.delay(course_key))
    log.info("elsx: bulk certificate issue for %s queued", course_key)
    return None


def issue(course_key, learner_id):
    module = api()
    if module is None or not hasattr(module, "issue"):
        raise Unavailable(_("Certificate issuing is not installed on this site yet."))
    return module.issue(course_key, learner_id)


def verification_url_function():
    """verification_url(number) from the API, or a function returning "" without it."""
    module = api()
    function = getattr(module, "verification_url", None) if module is not None else None
    if function is None:
        log.warning("elsx: certificates API not installed; verification URLs left blank in exports")
        return lambda number: ""
    return function


@functools.lru_cache(maxsize=1)
def _numbers():
    try:
        return importlib.import_module("elsx.certificates.numbers")
    except ImportError:
        return None


def number_generator():
    """numbers.generate from the certificates package, or None without it."""
    return getattr(_numbers(), "generate", None)


def display_number(number):
    """A canonical certificate number grouped for reading: 7K3M-9QX2-HB4T-..."""
    number = number or ""
    display = getattr(_numbers(), "display", None)
    if display is not None and number:
        try:
            return display(number)
        except ValueError:
            pass  # not in the API's format (e.g. demo data); group it ourselves
    return "-".join(number[i:i + 4] for i in range(0, len(number), 4))


# --- staff actions from the learner drill-down ---------------------------------
# The drill-down shows one learner's current certificate; staff confirm its number before acting. The
# number they confirmed comes back with the request: a page left open while someone else reissued (or
# revoked) is refused here, before elsx.certificates.api changes anything.

REISSUE_FIELDS = ("legal_name", "agency")


def _actions_api():
    module = api()
    if module is None or not hasattr(module, "revoke"):
        raise Unavailable(_("Certificate issuing is not installed on this site yet."))
    return module


def form_limits():
    """maxlength for the drill-down's action fields, from the API's own limits."""
    module = _actions_api()
    return {"reason": module.REASON_MAX, "name": module.NAME_MAX, "agency": module.AGENCY_MAX}


def confirmed_certificate(course_key, learner_id, number):
    """learner_id's current certificate if number (as staff confirmed it) is still that one; else an error."""
    module = _actions_api()
    if not isinstance(number, str) or not number.strip():
        raise InvalidInput(_("Say which certificate this is about: its number is missing."), field="number")
    try:
        confirmed = module.numbers.normalize(number)
    except module.numbers.InvalidNumber:
        raise InvalidInput(_("That is not a certificate number."), field="number") from None
    cert = module.current_certificate(course_key, learner_id)
    if cert is None:
        raise NotFound(_("This learner has no certificate in this course."))
    if cert.number != confirmed:
        raise Conflict(_("This learner's certificate is now {current}, not {confirmed}: it changed after the page "
                         "was shown. Nothing was changed; check the details shown now and try again.").format(
                             current=display_number(cert.number), confirmed=display_number(confirmed)),
                       field="number")
    return cert


def revoke(course_key, learner_id, number, reason, by):
    cert = confirmed_certificate(course_key, learner_id, number)
    return _actions_api().revoke(cert.number, reason, by=by)


def reinstate(course_key, learner_id, number, reason, by):
    """(the revoked certificate, its new valid successor)."""
    cert = confirmed_certificate(course_key, learner_id, number)
    return cert, _actions_api().reinstate(cert.number, reason, by=by)


def reissue(course_key, learner_id, number, corrections, by):
    """(the old certificate, its successor). corrections: REISSUE_FIELDS; blank ones keep their value."""
    # The API keeps no reason for a reissue (elsx.certificates.api.reissue): a real correction is required.
    given = {key: value for key, value in corrections.items()
             if value is not None and not (isinstance(value, str) and not value.strip())}
    if not given:
        raise InvalidInput(_("Give at least one corrected field."), field=REISSUE_FIELDS[0])
    cert = confirmed_certificate(course_key, learner_id, number)
    if all(isinstance(value, str) and value.strip() == getattr(cert, key) for key, value in given.items()):
        raise InvalidInput(_("The certificate already says that. Change at least one field, or cancel."),
                           field=next(iter(given)))
    return cert, _actions_api().reissue(cert.number, by=by, **given)
