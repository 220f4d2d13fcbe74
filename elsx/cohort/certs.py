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

from elsx.errors import Unavailable

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
