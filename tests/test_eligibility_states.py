"""elsx.eligibility: every topic complete, each missing step named, and settings-listed extra requirements."""
from decimal import Decimal

import pytest

from elsx import eligibility, progress
from elsx.curriculum import get_curriculum
from elsx.eligibility import Requirement
from tests.certificates_helpers import COURSE, complete_topics, learner
from tests.progress_helpers import REFLECTION, correct_answers

pytestmark = pytest.mark.django_db
TOPIC = "vulnerable-populations"
ALL_STEPS = "read all sections, pass the knowledge check, save a reflection"

_EXTRA = {}


def course_evaluation(course_key, learner_id):
    """An extra requirement as a course team would list it in settings (module-level: import_string finds it)."""
    _EXTRA.setdefault("calls", []).append((course_key, learner_id))
    return Requirement(key="evaluation", label="Course evaluation", met=_EXTRA.get("met", False),
                       remaining=_EXTRA.get("detail", ""))


@pytest.fixture
def extra(settings):
    _EXTRA.clear()
    settings.ELSX = {"EXTRA_REQUIREMENTS": ["tests.test_eligibility_states.course_evaluation"]}
    return _EXTRA


def _requirement(status, key):
    return next(req for req in status.requirements if req.key == key)


def test_a_new_learner_is_missing_every_topic_and_every_step():
    status = eligibility.check(COURSE, "nobody")
    topics = get_curriculum().topics
    assert not status.eligible and status.hours == Decimal("0")
    assert [req.key for req in status.requirements] == [f"topic:{topic.id}" for topic in topics]
    assert status.missing == list(status.requirements)
    first = status.requirements[0]
    assert first.label == f"Topic {topics[0].number}: {topics[0].title}" and first.met is False
    assert first.detail == ALL_STEPS
    assert status.explain().startswith(f"Not yet eligible. Still to do: {first.label} ({ALL_STEPS}); ")
    assert status.explain().endswith(".")


def test_every_topic_complete_is_eligible_with_nothing_to_explain():
    complete_topics("done")
    status = eligibility.check(COURSE, "done")
    assert status.eligible and status.missing == [] and status.explain() == ""
    assert all(req.met and req.detail == "" for req in status.requirements)
    assert status.hours == get_curriculum().hours == status.progress.hours_earned


def test_a_passed_check_without_a_reflection_is_not_complete():
    complete_topics("almost", skip=(TOPIC,))
    who = learner("almost")
    topic = get_curriculum().topic(TOPIC)
    for section_id in topic.section_ids():
        progress.view_section(COURSE, who, topic, section_id)
    assert progress.submit_check(COURSE, who, topic, correct_answers(topic), 80).passed
    status = eligibility.check(COURSE, "almost")
    requirement = _requirement(status, f"topic:{TOPIC}")
    assert not status.eligible and status.missing == [requirement]
    assert requirement.met is False and requirement.detail == "save a reflection"
    assert status.explain() == f"Not yet eligible. Still to do: {requirement.label} (save a reflection)."


def test_a_reflection_without_a_pass_names_the_check():
    complete_topics("unpassed", skip=(TOPIC,))
    who = learner("unpassed")
    topic = get_curriculum().topic(TOPIC)
    for section_id in topic.section_ids():
        progress.view_section(COURSE, who, topic, section_id)
    progress.save_reflection(COURSE, who, topic, REFLECTION)
    assert _requirement(eligibility.check(COURSE, "unpassed"), f"topic:{TOPIC}").detail == "pass the knowledge check"


def test_unread_sections_are_named():
    complete_topics("unread", skip=(TOPIC,))
    who = learner("unread")
    topic = get_curriculum().topic(TOPIC)
    progress.submit_check(COURSE, who, topic, correct_answers(topic), 80)
    progress.save_reflection(COURSE, who, topic, REFLECTION)
    assert _requirement(eligibility.check(COURSE, "unread"), f"topic:{TOPIC}").detail == "read all sections"


def test_an_extra_requirement_from_settings_is_checked(extra):
    complete_topics("extra")
    status = eligibility.check(COURSE, "extra")
    assert extra["calls"] == [(COURSE, "extra")]
    assert status.requirements[-1].key == "evaluation" and not status.eligible
    assert [req.key for req in status.missing] == ["evaluation"]
    assert status.explain() == "Not yet eligible. Still to do: Course evaluation."
    extra["detail"] = "due Friday"
    assert eligibility.check(COURSE, "extra").explain() == "Not yet eligible. Still to do: Course evaluation (due Friday)."
    extra["met"] = True
    assert eligibility.check(COURSE, "extra").eligible


def test_a_met_extra_requirement_does_not_make_incomplete_topics_eligible(extra):
    extra["met"] = True
    status = eligibility.check(COURSE, "nobody")
    assert not status.eligible and "evaluation" not in [req.key for req in status.missing]


def test_requirements_and_results_are_immutable():
    import dataclasses
    status = eligibility.check(COURSE, "nobody")
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.requirements[0].met = True
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.hours = 11


# --- the registry (order, idempotence, return shapes) ----------------------------

@pytest.fixture
def registered():
    added = []

    def add(func, **kwargs):
        eligibility.register(func, **kwargs)
        added.append(func)
        return func
    yield add
    for func in added:
        eligibility.unregister(func)


def _keys(status):
    return [req.key for req in status.requirements if not req.key.startswith("topic:")]


def test_providers_run_by_order_then_registration(registered):
    def late(course_key, learner_id, context):
        return Requirement(key="late", label="Late", met=True)

    def early(course_key, learner_id, context):
        return [Requirement(key="early", label="Early", met=True)]

    def none(course_key, learner_id, context):
        return None
    registered(late, order=200)
    registered(early, order=50)
    registered(none)
    status = eligibility.check(COURSE, "nobody")
    assert _keys(status) == ["early", "late"]
    # the built-in topic requirements (order 0) come before an order-50 provider
    assert status.requirements[0].key.startswith("topic:") and status.requirements[-1].key == "late"


def test_registering_again_replaces_and_moves_by_order(registered):
    def one(course_key, learner_id, context):
        return (Requirement(key=k, label=k, met=True) for k in ("a", "b"))
    registered(one, order=300)
    registered(one, order=300)
    assert _keys(eligibility.check(COURSE, "nobody")) == ["a", "b"]
    assert [name for _order, name, _f in eligibility.REQUIREMENTS].count(eligibility._name(one)) == 1


def test_register_as_a_decorator_with_an_order(registered):
    @eligibility.register(order=150)
    def decorated(course_key, learner_id, context):
        return Requirement(key="decorated", label="D", met=False, remaining="do it", topic_id=TOPIC)
    registered(decorated, order=150)
    status = eligibility.check(COURSE, "nobody")
    assert status.get("decorated").remaining == "do it" and status.get("nope") is None
    assert [req.key for req in status.for_topic(TOPIC)] == [f"topic:{TOPIC}", "decorated"]


def test_unregister_by_dotted_name(registered):
    def gone(course_key, learner_id, context):
        return Requirement(key="gone", label="G", met=False)
    eligibility.register(gone)
    eligibility.unregister(eligibility._name(gone))
    assert "gone" not in _keys(eligibility.check(COURSE, "nobody"))


def test_the_default_order_is_100(registered):
    def default(course_key, learner_id, context):
        return Requirement(key="default", label="Default", met=True)

    def explicit(course_key, learner_id, context):
        return Requirement(key="explicit", label="Explicit", met=True)
    registered(default)
    registered(explicit, order=100)
    assert _keys(eligibility.check(COURSE, "nobody")) == ["default", "explicit"]
