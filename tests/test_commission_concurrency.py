"""Races on the final assessment, the evaluation and the review: one effect each. Also run on MariaDB
(tests/run_mysql.sh runs every test marked mysql)."""
import threading

import pytest
from django.db import connection

from elsx.assessment import api as assessment
from elsx.assessment.models import FinalAttempt
from elsx.evaluation import api as evaluation
from elsx.evaluation.models import EvaluationCompletion, EvaluationResponse
from tests.certificates_helpers import complete_topics, learner

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]
COURSE = "course-v1:ELSX+EXEC101+demo"


def run_threads(count, target):
    errors, results, barrier = [], [], threading.Barrier(count)

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results.append(target(index))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results, errors


def key_for(attempt):
    bank = assessment.bank()
    return {item["id"]: bank[item["id"]][1].correct_option_id for item in attempt.draw}


def test_concurrent_starts_draw_one_attempt():
    who = complete_topics("racer")
    results, errors = run_threads(8, lambda i: assessment.start(COURSE, who).pk)
    assert errors == [] and len(set(results)) == 1
    assert FinalAttempt.objects.filter(learner_id="racer").count() == 1


def test_concurrent_submits_record_one_score():
    who = complete_topics("racer")
    attempt = assessment.start(COURSE, who)
    answers = key_for(attempt)
    results, errors = run_threads(8, lambda i: assessment.submit(COURSE, who, attempt.draw_id, answers).duplicate)
    assert errors == [] and sorted(results) == [False] + [True] * 7
    stored = FinalAttempt.objects.get(pk=attempt.pk)
    assert stored.score == 100 and stored.answers == answers


def test_concurrent_starts_past_the_limit_store_nothing_more():
    who = complete_topics("racer")
    rules = assessment.rules(max_attempts=1)
    attempt = assessment.start(COURSE, who, rules)
    wrong = {item["id"]: next(o.id for o in assessment.bank()[item["id"]][1].options if not o.correct)
             for item in attempt.draw}
    assessment.submit(COURSE, who, attempt.draw_id, wrong)
    _results, errors = run_threads(6, lambda i: assessment.start(COURSE, who, rules))
    assert len(errors) == 6 and all(isinstance(exc, assessment.NotAllowed) for exc in errors)
    assert FinalAttempt.objects.filter(learner_id="racer").count() == 1


def test_concurrent_evaluation_submits_store_one_response():
    who = learner("racer")
    ratings = {item.id: 3 for item in evaluation.rated_items()}
    results, errors = run_threads(8, lambda i: evaluation.submit(COURSE, who, ratings, {})[1])
    assert errors == [] and sorted(results) == [False] + [True] * 7
    assert EvaluationCompletion.objects.count() == 1 and EvaluationResponse.objects.count() == 1
