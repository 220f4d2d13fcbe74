"""Background exports through ExportJob: one running job per course and kind.

Above INLINE_EXPORT_MAX_ROWS an export becomes a job. It runs as a Celery
task when Celery is configured (a broker URL in settings, or
ELSX["EXPORT_BACKGROUND"] = "celery"), and inline in the request otherwise.
ExportJob.running_key is unique while a job runs, so a repeat request gets
"already running" instead of a second job. A job left "running" longer than
EXPORT_JOB_STALE_MINUTES (a worker died) is marked failed and replaced.
"""
import hashlib
import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elsx import conf, storage
from elsx.cohort import exports
from elsx.cohort import params as grid_params
from elsx.cohort.schedule import Schedule
from elsx.errors import Conflict, InvalidInput, NotFound
from elsx.models import ExportJob
from elsx.validation import parse_int

log = logging.getLogger(__name__)
STORAGE_DIR = storage.EXPORTS
MAX_JOB_ID = 10 ** 12 - 1  # far past any real id; the parser allows 12 digits


def running_key(course_key, kind):
    digest = hashlib.sha256(f"{course_key}\n{kind}".encode("utf-8")).hexdigest()[:48]
    return f"cohort-{kind}:{digest}"


def celery_configured():
    mode = conf.get("EXPORT_BACKGROUND")
    if mode in ("celery", "inline"):
        return mode == "celery"
    return bool(getattr(settings, "CELERY_BROKER_URL", None) or getattr(settings, "BROKER_URL", None))


def _release_stale(key):
    limit = timezone.now() - timedelta(minutes=conf.get("EXPORT_JOB_STALE_MINUTES"))
    stale = ExportJob.objects.filter(running_key=key, status=ExportJob.STATUS_RUNNING, created_at__lt=limit)
    if stale.update(running_key=None, status=ExportJob.STATUS_FAILED, finished_at=timezone.now(),
                    error="Abandoned: still running after the time limit."):
        log.warning("elsx: released a stale export job for key %s", key)


def start(course_key, kind, job_params, requested_by):
    """Create a running job and run or queue it; Conflict("already running") if one is running."""
    if kind not in exports.KINDS:
        raise InvalidInput(_("Unknown export {kind}. Allowed: {allowed}.").format(
            kind=repr(kind)[:40], allowed=", ".join(exports.KINDS)), field="kind")
    key = running_key(course_key, kind)
    _release_stale(key)
    purge_expired()  # retention holds even where nobody schedules elsx_purge_exports
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(course_key=course_key, kind=kind, params=job_params,
                                           running_key=key, requested_by=str(requested_by)[:255])
    except IntegrityError:
        current = ExportJob.objects.filter(running_key=key).first()
        raise Conflict(_("This export is already running. It will be ready to download when it finishes."),
                       already_running=True, job=current.pk if current else None) from None
    log.info("elsx: export job %s (%s) started for %s", job.pk, kind, course_key)
    if celery_configured():
        from elsx.cohort.tasks import run_export_task  # pylint: disable=import-outside-toplevel
        transaction.on_commit(lambda: run_export_task.delay(job.pk))
    else:
        run(job.pk)
        job.refresh_from_db()
    return job


def _lines(job):
    if job.kind == "credit":
        return exports.credit_csv(job.course_key, job.params.get("profile") or "default")
    params = grid_params.parse(job.params.get("grid") or {})
    schedule = Schedule.build_or_unset(job.params.get("cohort_start") or None)
    return exports.roster_csv(job.course_key, params, schedule)


def run(job_id):
    """Write the job's CSV to storage and mark it done (or failed); never raises."""
    job = ExportJob.objects.filter(pk=job_id, status=ExportJob.STATUS_RUNNING).first()
    if job is None:
        return
    rows = 0
    try:
        with tempfile.TemporaryFile() as handle:
            for line in _lines(job):
                handle.write(line.encode("utf-8"))
                rows += 1
            handle.seek(0)
            # A random name: the file holds names and emails, and the job id is easy to guess.
            name = storage.save(STORAGE_DIR, ".csv", File(handle))
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.STATUS_DONE, running_key=None, file_path=name, row_count=max(rows - 1, 0),
            finished_at=timezone.now())
        log.info("elsx: export job %s done, %s rows", job.pk, max(rows - 1, 0))
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("elsx: export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.STATUS_FAILED, running_key=None, error=type(exc).__name__[:500],
            finished_at=timezone.now())


def get(course_key, job_id):
    """A job of this course, or NotFound."""
    job_id = parse_int(job_id, "job", "job", 1, MAX_JOB_ID)
    job = ExportJob.objects.filter(course_key=course_key, pk=job_id, kind__in=exports.KINDS).first()
    if job is None:
        raise NotFound(_("No such export."))
    return job


def open_file(job):
    if job.status != ExportJob.STATUS_DONE:
        raise NotFound(_("This export is not ready to download."))
    if not job.file_path:
        raise NotFound(_("The export file is gone; export again."))
    try:
        return storage.open_file(job.file_path, "rb")
    except (OSError, ValueError):
        raise NotFound(_("The export file is gone; export again.")) from None


def download_name(job):
    """What the browser saves it as; the stored name is random and says nothing."""
    return exports.filename(job.kind, job.course_key, timezone.localdate(job.finished_at or job.created_at),
                            (job.params or {}).get("grid"))


def purge_expired(now=None):
    """Delete the files of exports older than EXPORT_RETENTION_HOURS; the rows stay (who exported what, when)."""
    limit = (now or timezone.now()) - timedelta(hours=conf.get("EXPORT_RETENTION_HOURS"))
    expired = ExportJob.objects.exclude(status=ExportJob.STATUS_RUNNING).filter(created_at__lt=limit)
    return _delete_jobs(expired)


def purge_course(course_key=None):
    """Delete every finished export of course_key (all courses if None): retirement calls this,
    because a roster holds every learner of the course."""
    jobs = ExportJob.objects.exclude(status=ExportJob.STATUS_RUNNING)
    if course_key is not None:
        jobs = jobs.filter(course_key=str(course_key))
    return _delete_jobs(jobs)


def _delete_jobs(queryset):
    deleted = 0
    for pk, name in list(queryset.exclude(file_path="").values_list("pk", "file_path")):
        try:
            deleted += storage.delete(name)
        except OSError as exc:
            log.warning("elsx: could not delete export file of job %s: %s", pk, type(exc).__name__)
            continue  # keep the name, so the next purge tries again
        ExportJob.objects.filter(pk=pk).update(file_path="")
    return deleted
