"""Mobile and completion: student_view_data without answers, multi_device, completion modes."""
import json

from xblock.completable import XBlockCompletionMode

from elsx.blocks.progress import ProgressBlock
from elsx.blocks.topic import TopicBlock
from tests.conftest import call, complete_topic


def learner_state(block):
    status, body = call(block, "learner_state", method="GET")
    assert status == 200, body
    return body

TOPIC = "media-relations"


def test_topic_data_for_the_mobile_apps_has_no_answers(make_block):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "learner-1")
    data = block.student_view_data()
    topic = block.topic()
    assert data["topic_id"] == TOPIC and data["week"] == topic.week and data["credit_hours"] == float(topic.hours)
    assert [q["id"] for q in data["questions"]] == [q.id for q in topic.questions]
    text = json.dumps(data)
    assert '"correct"' not in text and "explanation" not in text
    for question in topic.questions:
        assert question.explanation not in text
        assert set(data["questions"][0]["options"][0]) == {"id", "text"}
    assert "state" not in data and learner_state(block)["status"] == "not_started"


def test_topic_data_reflects_the_learner_and_author_overrides(make_block):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}" week="6" title="Renamed"/>', "learner-1")
    complete_topic(block)
    data = block.student_view_data()
    state = learner_state(block)
    assert state["completed"] is True and state["passed"] is True
    assert (data["week"], data["title"]) == (6, "Renamed")
    assert '"correct"' not in json.dumps(data)  # not even after passing


def test_progress_data_for_the_mobile_apps(make_block):
    topic = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "learner-1")
    complete_topic(topic)
    data = learner_state(make_block("<elsx_progress/>", "learner-1"))
    assert data["topics_completed"] == 1 and data["topics_total"] == 10 and data["hours_total"] == 11.0
    assert len(data["weeks"]) == 6


def test_topic_student_view_is_multi_device(make_block):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "learner-1")
    assert block.has_support(block.student_view, "multi_device")


def test_completion_modes():
    assert XBlockCompletionMode.get_mode(TopicBlock) == XBlockCompletionMode.COMPLETABLE
    assert TopicBlock.has_custom_completion is True
    assert XBlockCompletionMode.get_mode(ProgressBlock) == XBlockCompletionMode.EXCLUDED
