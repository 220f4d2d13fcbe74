"""Every Celery task of elsx, in the module Celery's autodiscovery imports ("<app>.tasks").

In Open edX the LMS and CMS Celery apps autodiscover the tasks of every
installed app, elsx included, so importing this module registers them all:

- ``elsx.certificates.issue_for_course``: bulk certificate issuance (below);
- ``elsx.cohort.run_export``: a large roster or credit-roster export, queued
  by ``elsx.cohort.jobs.start`` when Celery is configured. It lives in
  ``elsx.cohort.tasks`` and is re-exported here, not written twice;
- ``elsx.cohort.purge_exports``: deletes exports older than EXPORT_RETENTION_HOURS.

Both are plain ``shared_task``s, so they bind to whichever Celery app is
current (the platform's, or a test's).
"""
import logging

from celery import shared_task

from elsx.cohort.tasks import purge_exports_task, run_export_task  # noqa: F401  pylint: disable=unused-import

log = logging.getLogger(__name__)

__all__ = ["issue_certificates_task", "purge_exports_task", "run_export_task"]


@shared_task(name="elsx.certificates.issue_for_course", ignore_result=False)
def issue_certificates_task(course_key, workers=1):
    """Issue a certificate to every eligible learner of course_key who has claimed one.

    Returns the counts by outcome (issued, already_issued, not_eligible,
    not_claimed, failed). Safe to run twice or concurrently: a learner who
    already holds a certificate is counted, not issued again (the database's
    unique constraint decides). ``workers`` > 1 renders in child processes,
    which a prefork Celery worker's daemonic children may not start, so the
    default is 1.
    """
    from elsx.certificates import api  # pylint: disable=import-outside-toplevel
    counts = api.issue_for_course(str(course_key), workers=max(1, int(workers)))
    log.info("elsx: bulk issuance task for %s: %s", course_key, counts)
    return counts
