"""Celery task for background exports (used only when Celery is configured)."""
from celery import shared_task


@shared_task(name="elsx.cohort.run_export")
def run_export_task(job_id):
    from elsx.cohort import jobs  # pylint: disable=import-outside-toplevel
    jobs.run(job_id)
