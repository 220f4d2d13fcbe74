"""Case studies: decided stage by stage, stored per learner, nothing revealed before it is chosen."""
import threading

import pytest
from django.db import connection

from elsx.curriculum import get_curriculum
from elsx.scenarios import api
from elsx.scenarios.models import ScenarioChoice
from tests.conftest import COURSE, as_user, call, render

TOPIC_ID = "vulnerable-populations"
XML = f'<elsx_topic topic_id="{TOPIC_ID}"/>'


@pytest.fixture
def topic():
    return get_curriculum().topic(TOPIC_ID)


@pytest.fixture
def block(make_block):
    return make_block(XML, "learner-1")


def wrong(stage):
    return next(c for c in stage.choices if not c.recommended)


def right(stage):
    return next(c for c in stage.choices if c.recommended)


def test_every_topic_has_a_staged_case_grounded_in_its_sources():
    for topic in get_curriculum().topics:
        assert topic.scenarios, topic.id
        for scenario in topic.scenarios:
            assert scenario.minutes >= 10 and len(scenario.stages) >= 2 and scenario.debrief_html
            for stage in scenario.stages:
                assert sum(c.recommended for c in stage.choices) == 1
                assert all(c.consequence for c in stage.choices)
        assert topic.sources, topic.id


def test_the_page_shows_only_the_first_decision_and_no_consequence(block, topic):
    html = render(block)
    scenario = topic.scenarios[0]
    first, second = scenario.stages[0], scenario.stages[1]
    assert first.situation.replace("'", "&#x27;").replace('"', "&quot;")[:60] in html
    for choice in first.choices:
        assert choice.consequence.replace("'", "&#x27;").replace('"', "&quot;")[:60] not in html
    assert second.situation.replace("'", "&#x27;").replace('"', "&quot;")[:60] not in html
    assert "recommended" not in html.lower()
    assert 'data-scenario-form="' + scenario.id + '"' in html
    assert "Debrief" not in html


def test_a_choice_reveals_its_consequence_and_the_next_stage(block, topic):
    scenario = topic.scenarios[0]
    stage = scenario.stages[0]
    status, body = call(block, "choose_scenario", {"scenario": scenario.id, "stage": stage.id,
                                                   "choice": wrong(stage).id})
    assert status == 200, body
    html = body["scenario_html"]
    assert wrong(stage).consequence[:40].replace("'", "&#x27;") in html.replace("&quot;", '"')
    assert "The course recommends" in html
    assert scenario.stages[1].situation[:40].replace("'", "&#x27;") in html.replace("&quot;", '"')
    # Later stages' consequences are still hidden.
    for choice in scenario.stages[1].choices:
        assert choice.consequence[:40] not in html
    assert not body["done"]
    assert render(block).count('data-stage-id="' + stage.id + '"') == 1


def test_deciding_every_stage_shows_the_debrief_and_is_stored(block, topic):
    scenario = topic.scenarios[0]
    for stage in scenario.stages:
        status, body = call(block, "choose_scenario", {"scenario": scenario.id, "stage": stage.id,
                                                       "choice": right(stage).id})
        assert status == 200, body
    assert body["done"] and "Debrief" in body["scenario_html"]
    assert "recommended decision" in body["scenario_html"]
    assert ScenarioChoice.objects.filter(learner_id="learner-1", topic_id=TOPIC_ID).count() == len(scenario.stages)
    assert "Debrief" in render(block)
    # Another learner starts afresh.
    assert "Debrief" not in render(as_user(block, "learner-2"))


def test_repeating_a_decision_is_a_no_op_and_changing_it_is_refused(block, topic):
    scenario = topic.scenarios[0]
    stage = scenario.stages[0]
    body = {"scenario": scenario.id, "stage": stage.id, "choice": wrong(stage).id}
    assert call(block, "choose_scenario", body)[0] == 200
    assert call(block, "choose_scenario", body)[0] == 200
    status, reply = call(block, "choose_scenario", dict(body, choice=right(stage).id))
    assert status == 409 and reply["error"]
    assert list(ScenarioChoice.objects.values_list("choice_id", flat=True)) == [wrong(stage).id]


@pytest.mark.parametrize("body", [
    {"scenario": "nope", "stage": "intake", "choice": "wait"},
    {"scenario": "first-hour-missing-from-care", "stage": "nope", "choice": "wait"},
    {"scenario": "first-hour-missing-from-care", "stage": "intake", "choice": "nope"},
    {"scenario": "first-hour-missing-from-care", "stage": "return", "choice": "clear-only"},  # out of order
    {"scenario": ["x"], "stage": "intake", "choice": "wait"},
    {"scenario": "first-hour-missing-from-care", "stage": "intake", "choice": None},
    {"scenario": "first-hour-missing-from-care", "stage": "intake"},
    {"scenario": "first-hour-missing-from-care", "stage": "intake", "choice": "wait", "learner_id": "x"},
])
def test_bad_decisions_are_4xx_and_store_nothing(block, body):
    status, reply = call(block, "choose_scenario", body)
    assert 400 <= status < 500 and reply["error"]
    assert not ScenarioChoice.objects.exists()


def test_anonymous_learners_cannot_decide(make_block, topic):
    anon = make_block(XML, "")
    scenario = topic.scenarios[0]
    status, _ = call(anon, "choose_scenario", {"scenario": scenario.id, "stage": scenario.stages[0].id,
                                               "choice": scenario.stages[0].choices[0].id})
    assert status == 403
    assert not ScenarioChoice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_different_choices_keep_exactly_one(topic):
    scenario = topic.scenarios[0]
    stage = scenario.stages[0]
    barrier, results, errors = threading.Barrier(4), [], []

    def worker(choice_id):
        try:
            barrier.wait(timeout=20)
            results.append(api.choose(COURSE, "racer", topic, scenario.id, stage.id, choice_id)[1])
        except Exception as exc:  # noqa: BLE001 - collected below
            errors.append(type(exc).__name__)
        finally:
            connection.close()
    choices = [c.id for c in stage.choices] + [stage.choices[0].id]
    threads = [threading.Thread(target=worker, args=(choice,)) for choice in choices[:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert ScenarioChoice.objects.filter(learner_id="racer").count() == 1
    assert results.count(True) == 1
    assert set(errors) <= {"Conflict", "OperationalError"}


def test_staff_drill_down_lists_the_decisions(make_block, topic):
    from elsx.models import LearnerProfile
    from tests.cohort_helpers import cohort_xml
    LearnerProfile.objects.create(course_key=COURSE, learner_id="learner-1", full_name="Pat Learner")
    block = make_block(XML, "learner-1")
    scenario = topic.scenarios[0]
    stage = scenario.stages[0]
    assert call(block, "choose_scenario", {"scenario": scenario.id, "stage": stage.id,
                                           "choice": wrong(stage).id})[0] == 200
    cohort = make_block(cohort_xml(), "instructor")
    status, body = call(cohort, "learner", {"learner_id": "learner-1"})
    assert status == 200, body
    assert "Case-study decisions" in body["html"]
    assert wrong(stage).text[:40].replace("'", "&#x27;") in body["html"].replace("&quot;", '"')
    assert "not the recommended choice" in body["html"]


# --- OLX and Studio -------------------------------------------------------------

def test_every_case_study_survives_its_xml_form():
    from elsx.curriculum import parse_scenario_xml, scenario_to_xml
    for topic in get_curriculum().topics:
        for scenario in topic.scenarios:
            parsed, problems = parse_scenario_xml(scenario_to_xml(scenario))
            assert problems == [] and parsed == scenario


def edited_scenario(topic):
    from elsx.curriculum import scenario_to_xml
    return scenario_to_xml(topic.scenarios[0]).replace(topic.scenarios[0].title, "An edited case &amp; its title")


def test_a_studio_edit_of_a_case_study_is_saved_rendered_and_round_trips_in_olx(make_block, topic):
    from lxml import etree

    from elsx import authoring
    block = make_block(XML, "instructor")
    data = authoring.editor_values(topic, topic.title, 80)
    html = render(block, "studio_view")
    assert 'data-list="scenarios"' in html and "data-item=\"scenario\"" in html
    status, body = call(block, "studio_submit", data)
    assert status == 200 and not block.fields["scenarios"].is_set_on(block) or block.scenarios == []
    data["scenarios"] = [edited_scenario(topic)]
    status, body = call(block, "studio_submit", data)
    assert status == 200, body
    assert block.topic().scenarios[0].title == "An edited case & its title"
    assert "An edited case &amp; its title" in render(as_user(block, "learner-1"))
    node = etree.Element("placeholder")
    block.add_xml_to_node(node)
    xml = etree.tostring(node, encoding="unicode")
    assert "<scenarios><scenario " in xml
    parsed = make_block(xml, "instructor")
    assert parsed.scenarios == block.scenarios and parsed.topic() == block.topic()


@pytest.mark.parametrize("bad, fragment", [
    ("<scenario id='x'", "not well-formed"),
    ("<stage id='x'/>", "must be a <scenario>"),
    ("<scenario id='x' title='t' minutes='5'><setting>s</setting><debrief><p>d</p></debrief></scenario>",
     "at least two stages"),
    ('<!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]><scenario id="x" title="&e;" minutes="5"/>', "Case study 1"),
])
def test_a_broken_case_study_is_refused_and_changes_nothing(make_block, topic, bad, fragment):
    from elsx import authoring
    block = make_block(XML, "instructor")
    data = authoring.editor_values(topic, topic.title, 80)
    data["scenarios"] = [bad]
    status, body = call(block, "studio_submit", data)
    assert status == 400 and fragment in body["error"], body
    assert block.scenarios == []
    assert "root:" not in body["error"]
