"""The Celery tasks through a real Redis broker and a real worker process.

Redis runs on 127.0.0.1:6379 on this machine and in CI. The worker is a
`celery worker --pool=solo` subprocess with the demo settings, pointed at the
test process's own test database (the SQLite file, or the MariaDB test
database when `make test` re-runs this under ELSX_DB_ENGINE=mysql), so rows
the test commits are what the worker reads, and rows the worker writes are
what the test asserts. Each run uses a queue and a result key space of its
own, so concurrent runs (or stray workers) cannot take its messages.
Skipped, with the reason printed, when Redis is not reachable (failed with CI=true).
"""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.db import connection

from elsx.models import Certificate, ExportJob
from tests.certificates_helpers import COURSE, complete_topics, mark_claimed
from tests.services import missing

REDIS_HOST = os.environ.get("ELSX_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("ELSX_TEST_REDIS_PORT", "6379"))
REDIS_DB = 14  # out of the way of anything else on this Redis
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
ROOT = Path(__file__).resolve().parent.parent
TASK_TIMEOUT = 90  # seconds: worker start (Django, WeasyPrint import) plus the work
SKIP_REASON = f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: Celery integration test skipped"

pytestmark = [pytest.mark.slow, pytest.mark.mysql, pytest.mark.django_db(transaction=True)]

WORKER = """
import sys
import django
django.setup()
from celery import Celery
app = Celery("elsx-redis-test")
app.conf.update(broker_url=sys.argv[1], result_backend=sys.argv[1], task_default_queue=sys.argv[2],
                worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)
app.set_current()
app.set_default()
app.autodiscover_tasks(["elsx"], force=True)
app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--queues", sys.argv[2], "--loglevel=INFO",
                 "--without-heartbeat", "--without-mingle", "--without-gossip", "--hostname", sys.argv[2] + "@%h"])
"""


def redis_reachable():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_app():
    """A Celery client app on the Redis broker, current for the test; skips when Redis is down."""
    if not redis_reachable():
        print(f"\n{SKIP_REASON}", file=sys.stderr)
        warnings.warn(SKIP_REASON)
        missing(SKIP_REASON)
    from celery import Celery, _state
    queue = f"elsx-test-{uuid.uuid4().hex[:12]}"
    app = Celery("elsx-redis-client", set_as_current=False)
    app.conf.update(broker_url=BROKER, result_backend=BROKER, task_default_queue=queue,
                    broker_connection_timeout=5, broker_connection_retry_on_startup=True)
    app.autodiscover_tasks(["elsx"], force=True)
    previous = _state.get_current_app()
    app.set_current()
    app.queue = queue
    yield app
    previous.set_current()
    app.close()


@pytest.fixture
def worker(redis_app, tmp_path, settings):
    """A celery worker subprocess on the same database and media folder as this test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org", "INLINE_EXPORT_MAX_ROWS": 1,
                     "EXPORT_BACKGROUND": "celery"}
    db = connection.settings_dict
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="elsx.demo.settings", PYTHONPATH=str(ROOT),
               ELSX_VAR=str(tmp_path), ELSX_VERIFY_BASE_URL="https://lms.example.org",
               ELSX_COMMISSION="0")  # as this process (tests/conftest.py commission_off)
    if db["ENGINE"].endswith("sqlite3"):
        env["ELSX_DB"] = db["NAME"]
    else:
        env.update(ELSX_DB_ENGINE="mysql", ELSX_DB_NAME=db["NAME"], ELSX_DB_HOST=db["HOST"] or "127.0.0.1",
                   ELSX_DB_PORT=str(db["PORT"] or 3306))
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-c", WORKER, BROKER, redis_app.queue], cwd=tmp_path, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log_path = log_path
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # warm shutdown
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def worker_log(process):
    return process.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


def wait_for(predicate, process, timeout=TASK_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        assert process.poll() is None, f"the worker exited ({process.returncode}):\n{worker_log(process)}"
        time.sleep(0.25)
    pytest.fail(f"nothing after {timeout}s; worker log:\n{worker_log(process)}")


def test_bulk_issuance_and_a_large_export_run_on_a_redis_worker(worker, redis_app, tmp_path, make_block, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    from elsx.tasks import issue_certificates_task
    for learner_id in ("w1", "w2", "w3"):
        complete_topics(learner_id, full_name=f"Worker Learner {learner_id}")
        mark_claimed(learner_id, legal_name=f"Worker Learner {learner_id} Ñandú 王")
    complete_topics("unclaimed")

    # 1. Bulk issuance: .delay() goes to Redis, the worker issues and renders, the result comes back.
    result = issue_certificates_task.delay(COURSE)
    try:
        counts = result.get(timeout=TASK_TIMEOUT)
    except Exception as exc:  # pylint: disable=broad-except
        pytest.fail(f"task failed or timed out ({exc!r}); worker log:\n{worker_log(worker)}")
    assert counts == {"issued": 3, "already_issued": 0, "not_eligible": 0, "not_claimed": 1, "failed": 0}
    certs = Certificate.objects.filter(course_key=COURSE).order_by("learner_id")
    assert [cert.learner_id for cert in certs] == ["w1", "w2", "w3"]
    assert certs[0].legal_name == "Worker Learner w1 Ñandú 王"
    for cert in certs:
        pdf = tmp_path / "elsx-private" / cert.pdf_path
        assert pdf.read_bytes().startswith(b"%PDF-"), cert.pdf_path
    # The result backend, not the worker's log (which may not be flushed yet), says how the task ended.
    assert redis_app.AsyncResult(result.id).state == "SUCCESS"

    # 2. A large export from the cohort dashboard: queued after commit, run by the worker.
    block = make_block("<elsx_cohort/>", "instructor")
    from tests.conftest import call
    from elsx.cohort.tasks import run_export_task
    queued = []
    # Patch the task object itself: monkeypatch can't restore an attribute through Celery's lazy proxy.
    task = getattr(run_export_task, "_get_current_object", lambda: run_export_task)()
    delay = task.delay
    monkeypatch.setattr(task, "delay", lambda *args: queued.append(delay(*args)) or queued[-1])
    with django_capture_on_commit_callbacks(execute=True):
        status, body = call(block, "export", {"kind": "credit"})
    assert status == 200 and body["status"] == "running", body
    job_id = body["job"]

    def finished():
        return ExportJob.objects.get(pk=job_id).status != ExportJob.STATUS_RUNNING
    wait_for(finished, worker)
    job = ExportJob.objects.get(pk=job_id)
    assert job.status == ExportJob.STATUS_DONE, (job.error, worker_log(worker))
    assert job.row_count == 3
    text = (tmp_path / "elsx-private" / job.file_path).read_text(encoding="utf-8-sig")
    assert "Worker Learner w2 Ñandú 王" in text
    assert len(queued) == 1
    try:
        queued[0].get(timeout=TASK_TIMEOUT)  # polls the Redis result backend until the deadline
    except Exception as exc:  # pylint: disable=broad-except
        pytest.fail(f"export task failed or timed out ({exc!r}); worker log:\n{worker_log(worker)}")
    assert queued[0].state == "SUCCESS"
