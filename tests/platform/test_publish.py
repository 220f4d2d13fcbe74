"""The publish service: grades with only_if_higher, completion once.

Mirrors xmodule/services.py (EventPublishingService: "grade" -> SCORE_PUBLISHED with only_if_higher,
"completion" -> BlockCompletion) and lms/djangoapps/grades/signals/handlers.py (score_published_handler
keeps a higher earlier score when only_if_higher).
"""
import pytest

from tests.conftest import correct_answers, wrong_answers
from tests.platform.runtimes import PlatformPublish, call

pytestmark = pytest.mark.django_db
TOPIC = '<elsx_topic topic_id="vulnerable-populations"/>'


def test_a_lower_retry_after_passing_keeps_the_gradebook_at_the_passing_score(make_block, monkeypatch):
    lms = PlatformPublish().install(monkeypatch)
    block = make_block(TOPIC, "learner-1")
    topic = block.topic()
    total = len(topic.questions)
    assert call(block, "submit_check", {"answers": correct_answers(topic)})[0] == 200
    assert call(block, "submit_check", {"answers": wrong_answers(topic)})[0] == 200
    assert list(lms.grades.values()) == [(total, total)]  # what the LMS Progress page shows: still passed
    status, state = call(block, "learner_state", method="GET")
    assert state["passed"] is True and state["best_score"] == 100  # elsx agrees


def test_completion_is_published_once(make_block, monkeypatch):
    from tests.conftest import complete_topic
    lms = PlatformPublish().install(monkeypatch)
    block = make_block(TOPIC, "learner-1")
    complete_topic(block)
    complete_topic(block)
    assert [completion for _user, _usage, completion in lms.completions] == [1.0]
