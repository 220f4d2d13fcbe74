"""The one requirements list: built-in topic requirements, registered providers, EXTRA_REQUIREMENTS, batches."""
import pytest

from elsx import eligibility
from elsx.curriculum import get_curriculum
from elsx.models import TopicProgress

COURSE = "course-v1:ELSX+EXEC101+demo"
pytestmark = pytest.mark.django_db


def always_met(course_key, learner_id):
    return eligibility.Requirement(key="extra", label="Extra", met=True)


@pytest.fixture
def provider():
    calls = []

    def evaluation(course_key, learner_id, context):
        calls.append(learner_id)
        context.shared.setdefault("evaluation", 0)
        context.shared["evaluation"] += 1
        return [eligibility.Requirement(key="evaluation", label="Course evaluation", met=learner_id == "done",
                                        remaining="" if learner_id == "done" else "answer it", url="#eval")]
    eligibility.register(evaluation)
    yield evaluation, calls
    eligibility.unregister(evaluation)


def test_every_topic_is_a_requirement_with_a_url_and_what_remains():
    status = eligibility.check(COURSE, "nobody")
    topics = get_curriculum().topics
    assert [req.key for req in status.requirements] == [f"topic:{t.id}" for t in topics]
    first = status.requirements[0]
    assert not first.met and first.url and first.topic_id == topics[0].id
    assert "read all sections" in first.remaining and first.detail == first.remaining
    assert not status.eligible and "Not yet eligible" in status.explain()


def test_registered_provider_joins_the_list_once_and_runs_after_topics(provider):
    evaluation, _calls = provider
    eligibility.register(evaluation)  # idempotent
    status = eligibility.check(COURSE, "someone")
    assert [req.key for req in status.requirements].count("evaluation") == 1
    assert status.requirements[-1].key == "evaluation"
    assert status.get("evaluation").url == "#eval" and status.get("evaluation") in status.missing


def test_extra_requirements_setting_still_works(settings):
    settings.ELSX = {"EXTRA_REQUIREMENTS": ["tests.test_eligibility.always_met"]}
    status = eligibility.check(COURSE, "someone")
    assert status.requirements[-1].key == "extra" and status.requirements[-1].met


def test_check_many_reads_topic_rows_once_and_shares_the_provider_cache(provider, django_assert_num_queries):
    _evaluation, calls = provider
    topic = get_curriculum().topics[0]
    TopicProgress.objects.create(course_key=COURSE, learner_id="done", topic_id=topic.id, attempts=1)
    with django_assert_num_queries(1):
        found = eligibility.check_many(COURSE, ["done", "other"])
    assert calls == ["done", "other"]
    assert found["done"].get("evaluation").met and not found["other"].get("evaluation").met
    assert found["done"].progress.weeks[0][1][0][1].attempts == 1
