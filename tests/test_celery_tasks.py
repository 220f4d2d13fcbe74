"""The Celery tasks, run eagerly: autodiscovery finds them all in elsx.tasks, and each does its job.

tests/test_celery_redis.py runs the same tasks through a real Redis broker and worker.
"""
import pytest
from celery import Celery
from celery.signals import task_prerun

from elsx.models import Certificate, ExportJob
from tests.certificates_helpers import COURSE, complete_topics, mark_claimed, media  # noqa: F401
from tests.conftest import call

TASK_NAMES = {"elsx.certificates.issue_for_course", "elsx.cohort.run_export"}


@pytest.fixture
def eager_app():
    """A Celery app of our own, current for the test, that runs every .delay() in process."""
    app = Celery("elsx-eager", set_as_current=False)
    app.conf.update(task_always_eager=True, task_eager_propagates=True, broker_url="memory://",
                    result_backend="cache+memory://")
    from celery import _state  # pylint: disable=import-outside-toplevel
    previous = _state.get_current_app()
    app.set_current()
    ran = []

    def record(sender=None, **_kwargs):
        ran.append(sender.name)
    task_prerun.connect(record, weak=False)
    app.ran = ran  # names of the tasks Celery ran, in order
    yield app
    task_prerun.disconnect(record)
    previous.set_current()


def test_autodiscovery_of_elsx_tasks_finds_every_task():
    app = Celery("elsx-discovery", set_as_current=False)
    app.autodiscover_tasks(["elsx"], force=True)
    assert TASK_NAMES <= set(app.tasks.keys())
    import elsx.tasks
    from elsx.cohort import tasks as cohort_tasks
    # Re-exported, not a second copy.
    assert elsx.tasks.run_export_task is cohort_tasks.run_export_task


@pytest.mark.django_db
def test_bulk_issuance_task_runs_eagerly(eager_app, media):
    from elsx.tasks import issue_certificates_task
    for learner_id in ("a", "b"):
        complete_topics(learner_id)
        mark_claimed(learner_id)
    complete_topics("unclaimed")
    result = issue_certificates_task.delay(COURSE)
    assert result.successful() and eager_app.ran == ["elsx.certificates.issue_for_course"]
    assert result.get() == {"issued": 2, "already_issued": 0, "not_eligible": 0, "not_claimed": 1, "failed": 0}
    assert set(Certificate.objects.filter(course_key=COURSE).values_list("learner_id", flat=True)) == {"a", "b"}
    stored = sorted(path.name for path in (media / "elsx" / "certificates").iterdir())
    assert len(stored) == 2
    # Again: nothing new.
    assert issue_certificates_task.apply(args=(COURSE,)).get()["already_issued"] == 2
    assert Certificate.objects.count() == 2


@pytest.mark.django_db
def test_bulk_issuance_task_for_an_empty_course(eager_app, media):
    from elsx.tasks import issue_certificates_task
    counts = issue_certificates_task.apply(args=("course-v1:Nobody+X+1",)).get()
    assert counts == {"issued": 0, "already_issued": 0, "not_eligible": 0, "not_claimed": 0, "failed": 0}


@pytest.mark.django_db
def test_large_export_is_queued_and_the_task_runs_eagerly(eager_app, make_block, settings, tmp_path,
                                                          django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELSX = {"INLINE_EXPORT_MAX_ROWS": 1, "EXPORT_BACKGROUND": "celery"}
    for learner_id in ("r1", "r2", "r3"):
        complete_topics(learner_id, full_name=f"Roster {learner_id}")
    block = make_block("<elsx_cohort/>", "instructor")
    with django_capture_on_commit_callbacks(execute=True):
        status, body = call(block, "export", {"kind": "roster"})
    assert status == 200, body
    assert eager_app.ran == ["elsx.cohort.run_export"]  # through Celery, not inline
    job = ExportJob.objects.get(pk=body["job"])
    assert job.status == ExportJob.STATUS_DONE and job.row_count == 3
    text = (tmp_path / "elsx-private" / job.file_path).read_text(encoding="utf-8-sig")
    assert "Roster r1" in text and "Roster r3" in text
