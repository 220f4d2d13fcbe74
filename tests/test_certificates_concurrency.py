"""Concurrent claims and reissues: the database constraint, not a check-then-insert, makes exactly one."""
import threading

import pytest
from django.db import connection

from elsx.certificates import api
from elsx.errors import Conflict
from elsx.models import Certificate
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, learner, media  # noqa: F401

THREADS = 4


def run_together(target, count=THREADS):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)
        finally:
            connection.close()
    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_produce_exactly_one_certificate(media, monkeypatch):
    complete_topics("learner-1")
    # Make every thread pass the "already issued?" check before any inserts, so the race is real.
    real_current = api.current_certificate
    gate = threading.Barrier(THREADS)

    def racing_current(course_key, learner_id):
        found = real_current(course_key, learner_id)
        try:
            gate.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return found
    monkeypatch.setattr(api, "current_certificate", racing_current)
    results, errors = run_together(lambda: api.claim(COURSE, learner("learner-1"), **CLAIM))
    assert errors == []
    assert Certificate.objects.filter(course_key=COURSE, learner_id="learner-1").count() == 1
    winner = Certificate.objects.get()
    assert {cert.pk for cert in results} == {winner.pk}
    # Losers deleted their files: exactly the winner's PDF is stored.
    stored = sorted(p.name for p in (media / "elsx" / "certificates").iterdir())
    assert stored == [winner.pdf_path.rsplit("/", 1)[-1]]


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_concurrent_reissues_supersede_once(media):
    first = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    results, errors = run_together(lambda: api.reissue(first.number, by="instructor", legal_name="Dana M. Okonkwo"))
    assert len(results) == 1 and all(isinstance(exc, Conflict) for exc in errors) and len(errors) == THREADS - 1
    assert Certificate.objects.filter(learner_id="learner-1").count() == 2
    old = Certificate.objects.get(pk=first.pk)
    assert old.status == "superseded" and old.superseded_by_id == results[0].pk
    assert len(list((media / "elsx" / "certificates").iterdir())) == 2
