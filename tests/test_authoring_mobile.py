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


def test_case_studies_for_the_mobile_apps_reveal_nothing_before_a_choice(make_block):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "learner-1")
    topic = block.topic()
    data = block.student_view_data()
    assert topic.scenarios and data["case_study_handler"] == "choose_scenario"
    assert [s["id"] for s in data["case_studies"]] == [s.id for s in topic.scenarios]
    text = json.dumps(data)
    for scenario in topic.scenarios:
        assert scenario.debrief_html not in text
        for stage in scenario.stages:
            for choice in stage.choices:
                assert choice.consequence not in text
    first = data["case_studies"][0]["stages"][0]
    assert first["situation"] == topic.scenarios[0].stages[0].situation
    # No flag says which choice is recommended, at any stage of any case study.
    assert all(set(choice) == {"id", "text"} for study in data["case_studies"] for stage in study["stages"]
               for choice in stage["choices"])


def test_choosing_a_case_study_stage_answers_the_mobile_apps_with_data(make_block):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "learner-1")
    scenario = block.topic().scenarios[0]
    stage, last = scenario.stages[0], scenario.stages[-1]
    choice = next(c for c in stage.choices if not c.recommended)
    body = {"scenario": scenario.id, "stage": stage.id, "choice": choice.id}
    status, first = call(block, "choose_scenario", body)
    assert status == 200, first
    recommended = next(c for c in stage.choices if c.recommended)
    assert (first["consequence"], first["recommended"]) == (choice.consequence, recommended.id)
    assert first["next_stage"] == scenario.stages[1].id and first["done"] is False and first["debrief_html"] == ""
    status, again = call(block, "choose_scenario", body)  # the same decision again: the same answer
    assert status == 200 and again["consequence"] == choice.consequence
    for later in scenario.stages[1:]:
        status, reply = call(block, "choose_scenario",
                             {"scenario": scenario.id, "stage": later.id, "choice": later.choices[0].id})
        assert status == 200, reply
    assert reply["done"] is True and reply["next_stage"] is None and reply["debrief_html"] == scenario.debrief_html
    assert last.choices[0].consequence == reply["consequence"]
