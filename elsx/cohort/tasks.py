"""Celery tasks for background exports (used only when Celery is configured) and their retention."""
from celery import shared_task


@shared_task(name="elsx.cohort.run_export")
def run_export_task(job_id):
    from elsx.cohort import jobs  # pylint: disable=import-outside-toplevel
    jobs.run(job_id)


@shared_task(name="elsx.cohort.purge_exports")
def purge_exports_task():
    """Delete exports past ELSX["EXPORT_RETENTION_HOURS"]; schedule it (e.g. hourly) with Celery beat."""
    from elsx.cohort import jobs  # pylint: disable=import-outside-toplevel
    return jobs.purge_expired()
