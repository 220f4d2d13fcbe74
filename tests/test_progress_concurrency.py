"""Concurrent writes for one learner lose nothing. Also run on MariaDB by `make test`."""
import threading
from decimal import Decimal

import pytest
from django.db import connection

from elsx import progress
from elsx.curriculum import get_curriculum
from elsx.learners import Learner
from elsx.models import LearnerProfile, TopicProgress
from tests.conftest import COURSE

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]

LEARNER = Learner(id="racer", full_name="Race Condition", email="racer@example.org")


def run_threads(count, target):
    errors, barrier = [], threading.Barrier(count)

    def worker(index):
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def finish(topic, reflection="Concurrent reflection of enough length."):
    for section in topic.sections:
        progress.view_section(COURSE, LEARNER, topic, section.id)
    answers = {q.id: q.correct_option_id for q in topic.questions}
    progress.submit_check(COURSE, LEARNER, topic, answers, 80)
    progress.save_reflection(COURSE, LEARNER, topic, reflection)


def test_twenty_threads_completing_different_topics_record_all_ten():
    topics = get_curriculum().topics
    errors = run_threads(20, lambda i: finish(topics[i % len(topics)]))
    assert errors == []
    assert TopicProgress.objects.filter(learner_id="racer", completed_at__isnull=False).count() == 10
    profile = LearnerProfile.objects.get(learner_id="racer")
    assert profile.topics_completed == 10
    assert profile.hours_earned == Decimal("11.0")
    assert profile.completed_at is not None


def test_twenty_threads_submitting_one_topic_make_one_row():
    topic = get_curriculum().topics[0]
    answers = {q.id: q.correct_option_id for q in topic.questions}
    results = []
    errors = run_threads(20, lambda i: results.append(progress.submit_check(COURSE, LEARNER, topic, answers, 80)))
    assert errors == []
    assert TopicProgress.objects.filter(learner_id="racer", topic_id=topic.id).count() == 1
    row = TopicProgress.objects.get(learner_id="racer", topic_id=topic.id)
    # Identical answers count as one attempt, however many arrive at once.
    assert row.attempts == 1
    assert sum(not result.duplicate for result in results) == 1
    assert LearnerProfile.objects.filter(learner_id="racer").count() == 1


def test_completion_reported_to_exactly_one_request():
    topic = get_curriculum().topics[1]
    for section in topic.sections:
        progress.view_section(COURSE, LEARNER, topic, section.id)
    progress.save_reflection(COURSE, LEARNER, topic, "A reflection saved before the check.")
    answers = {q.id: q.correct_option_id for q in topic.questions}
    results = []
    errors = run_threads(10, lambda i: results.append(progress.submit_check(COURSE, LEARNER, topic, answers, 80)))
    assert errors == []
    assert sum(result.newly_completed for result in results) == 1
