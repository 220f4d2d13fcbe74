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
    settings.ELSX = {"EXTRA_REQUIREMENTS": ["tests.test_eligibility_rules.course_evaluation"]}
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
