"""The progress block: weeks, hours out of 11.0, what remains, the next topic."""
import pytest

from elsx.curriculum import get_curriculum
from elsx.eligibility import check
from tests.conftest import COURSE, as_user, call, complete_topic, render

COURSE_XML = "<vertical_demo><elsx_progress/>" + "".join(
    f'<elsx_topic topic_id="{t.id}"/>' for t in get_curriculum().topics) + "</vertical_demo>"


@pytest.fixture
def course(make_block):
    root = make_block(COURSE_XML, "learner-1")
    return root, root.runtime.get_block(root.children[0]), [root.runtime.get_block(c) for c in root.children[1:]]


def test_new_learner_sees_six_weeks_and_zero_hours(course):
    _root, block, _topics = course
    html = render(block)
    assert "0.0 of 11.0 credit hours earned" in html
    for week in range(1, 7):
        assert f"Week {week}:" in html
    assert "Next:" in html and "Topic 1: Vulnerable Populations" in html
    assert html.count("Not started") == 10


def test_hours_and_next_topic_follow_completion(course):
    _root, block, topics = course
    complete_topic(topics[0])
    complete_topic(topics[2])
    html = render(block)
    assert "2.0 of 11.0 credit hours earned" in html and "2 of 10 topics complete" in html
    assert 'href="#elsx-topic-emerging-trends"' in html
    status, body = call(block, "refresh", {})
    assert status == 200 and "2.0 of 11.0 credit hours earned" in body["html"]
    data = call(block, "learner_state", method="GET")[1]
    assert data["hours_earned"] == 2.0 and data["next_topic"] == "emerging-trends" and data["eligible"] is False


def test_all_topics_complete_is_eleven_hours_and_eligible(course):
    _root, block, topics = course
    for topic in topics:
        complete_topic(topic)
    html = render(block)
    assert "11.0 of 11.0 credit hours earned" in html
    assert "You have completed every topic." in html
    result = check(COURSE, "learner-1")
    assert result.eligible and result.hours == 11


def test_what_remains_names_the_missing_steps(course):
    _root, block, topics = course
    for topic in topics[1:]:
        complete_topic(topic)
    result = check(COURSE, "learner-1")
    assert not result.eligible
    assert [r.key for r in result.missing] == ["topic:vulnerable-populations"]
    assert "read all sections, pass the knowledge check, save a reflection" in result.explain()
    assert "Topic 1: Vulnerable Populations" in render(block)


def test_progress_is_per_learner(course):
    _root, block, topics = course
    complete_topic(topics[0])
    assert "0.0 of 11.0" in render(as_user(block, "learner-2"))
