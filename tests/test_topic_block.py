"""The topic block through a real workbench runtime: views, handlers, bad input, events."""
import json

import pytest
from django.utils.html import escape

from elsx.curriculum import get_curriculum
from elsx.models import LearnerProfile, TopicProgress
from tests.conftest import as_user, call, complete_topic, correct_answers, render, wrong_answers

TOPIC = "vulnerable-populations"
XML = f'<elsx_topic topic_id="{TOPIC}"/>'


@pytest.fixture
def block(make_block):
    return make_block(XML, "learner-1")


def rows():
    """Everything stored, to compare before and after a rejected request."""
    progress = list(TopicProgress.objects.order_by("pk").values())
    for row in progress:
        row.pop("updated_at")
    return progress, list(LearnerProfile.objects.order_by("pk").values())


def test_student_view_shows_topic_without_answers(block):
    html = render(block)
    topic = block.topic()
    assert topic.title in html
    assert "Week 1" in html and "1.0 credit hours" in html
    for objective in topic.objectives:
        assert escape(objective) in html
    # Rendering the topic is not an action: a first view reads "Not started" (issue 11).
    assert "Not started" in html and "In progress" not in html
    # The correct option is not marked anywhere before the learner submits.
    for question in topic.questions:
        assert question.explanation not in html
    assert 'data-correct' not in html and '"correct"' not in html


def test_view_records_first_visit(block):
    render(block)
    row = TopicProgress.objects.get(learner_id="learner-1", topic_id=TOPIC)
    assert row.first_viewed_at is not None


def test_views_are_not_actions_repeat_views_write_nothing(block):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    render(block)
    first = TopicProgress.objects.get(learner_id="learner-1", topic_id=TOPIC)
    assert first.first_viewed_at is not None and first.started_at is None
    profile = LearnerProfile.objects.get(learner_id="learner-1")
    assert profile.first_activity_at is None and profile.last_activity_at is None  # rendering is not activity
    with CaptureQueriesContext(connection) as queries:
        html = render(block)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == [], writes
    assert TopicProgress.objects.get(pk=first.pk).updated_at == first.updated_at
    assert "Not started" in html


def test_complete_flow_publishes_completion_once_and_grades_each_attempt(block, events):
    topic = block.topic()
    for section in topic.sections:
        status, body = call(block, "view_section", {"section": section.id})
        assert status == 200
    status, body = call(block, "submit_check", {"answers": wrong_answers(topic)})
    assert status == 200 and body["passed"] is False and body["score"] == 0
    assert all("Not correct" in html for html in body["feedback_html"].values())
    status, body = call(block, "submit_check", {"answers": correct_answers(topic)})
    assert status == 200 and body["passed"] is True and body["score"] == 100 and body["attempts"] == 2
    assert events.of("grade") == [{"value": 0, "max_value": len(topic.questions), "only_if_higher": True},
                                  {"value": len(topic.questions), "max_value": len(topic.questions),
                                   "only_if_higher": True}]
    assert events.of("completion") == []
    status, body = call(block, "save_reflection", {"text": "We will audit our missing-child intake form."})
    assert status == 200 and body["completed"] is True
    assert events.of("completion") == [{"completion": 1.0}]
    # The same passing answers again: no new attempt, no second completion, no new grade.
    status, body = call(block, "submit_check", {"answers": correct_answers(topic)})
    assert status == 200 and body["duplicate"] is True and body["attempts"] == 2
    call(block, "save_reflection", {"text": "We will audit our missing-child intake form."})
    assert events.of("completion") == [{"completion": 1.0}]
    assert len(events.of("grade")) == 2
    row = TopicProgress.objects.get(learner_id="learner-1", topic_id=TOPIC)
    assert row.completed_at is not None and row.attempts == 2 and row.best_score == 100
    profile = LearnerProfile.objects.get(learner_id="learner-1")
    assert profile.topics_completed == 1 and str(profile.hours_earned) == "1.00"
    assert "Complete" in render(block)


def test_not_complete_until_every_section_is_read(block, events):
    topic = block.topic()
    call(block, "view_section", {"section": topic.sections[0].id})
    call(block, "submit_check", {"answers": correct_answers(topic)})
    status, body = call(block, "save_reflection", {"text": "A reflection of sufficient length."})
    assert body["completed"] is False and events.of("completion") == []
    for section in topic.sections[1:]:
        status, body = call(block, "view_section", {"section": section.id})
    assert body["completed"] is True and events.of("completion") == [{"completion": 1.0}]


def test_failed_attempt_keeps_best_score(block):
    topic = block.topic()
    answers = correct_answers(topic)
    call(block, "submit_check", {"answers": answers})
    first_wrong = dict(answers, **{topic.questions[0].id: wrong_answers(topic)[topic.questions[0].id]})
    status, body = call(block, "submit_check", {"answers": first_wrong})
    assert body["score"] < 100 and body["best_score"] == 100
    row = TopicProgress.objects.get(learner_id="learner-1", topic_id=TOPIC)
    assert row.check_passed_at is not None and row.attempts == 2


def test_pass_mark_is_per_block(make_block):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}" pass_mark="100"/>')
    topic = block.topic()
    answers = correct_answers(topic)
    answers[topic.questions[0].id] = wrong_answers(topic)[topic.questions[0].id]
    status, body = call(block, "submit_check", {"answers": answers})
    assert body["passed"] is False and "pass mark is 100%" in body["result_html"]


# --- bad input: a clear error and nothing stored changes ---------------------------------

def _prepare(block):
    """Some stored state that a bad request must leave alone."""
    topic = block.topic()
    call(block, "view_section", {"section": topic.sections[0].id})
    call(block, "submit_check", {"answers": wrong_answers(topic)})
    call(block, "save_reflection", {"text": "An earlier reflection that must survive."})
    return topic


@pytest.mark.parametrize("handler", ["view_section", "submit_check", "save_reflection"])
def test_get_is_405(block, handler):
    _prepare(block)
    before = rows()
    status, body = call(block, handler, method="GET")
    assert status == 405 and "POST" in body["error"]
    assert rows() == before


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b"42", b'"text"', b"null",
                                 b'{"answers": NaN}', b'{"text": Infinity}'])
@pytest.mark.parametrize("handler", ["view_section", "submit_check", "save_reflection"])
def test_malformed_body_is_400(block, handler, raw):
    _prepare(block)
    before = rows()
    status, body = call(block, handler, raw=raw)
    assert status == 400 and body["error"]
    assert rows() == before


def test_oversized_payload_is_400(block):
    _prepare(block)
    before = rows()
    status, body = call(block, "save_reflection", raw=json.dumps({"text": "x" * 200_000}).encode())
    assert status == 400 and "too large" in body["error"]
    assert rows() == before


BAD_CHECKS = [
    ({"answers": {"nope": "a"}}, "Unknown question id"),
    ({"answers": {}}, "are not answered yet"),
    ({"answers": []}, "must be an object"),
    ({"answers": "a"}, "must be an object"),
    ({}, "Missing field(s): answers"),
    ({"answers": {}, "score": 100}, "Unknown field(s): score"),
]


@pytest.mark.parametrize("payload,message", BAD_CHECKS)
def test_bad_check_submissions_are_400(block, payload, message):
    _prepare(block)
    before = rows()
    status, body = call(block, "submit_check", payload)
    assert status == 400 and message in body["error"], body
    assert rows() == before


def test_answer_to_missing_option_or_wrong_type_is_400(block):
    topic = _prepare(block)
    before = rows()
    for bad in ("zz", 3, None, ["a"], {"a": 1}):
        answers = correct_answers(topic)
        answers[topic.questions[1].id] = bad
        status, body = call(block, "submit_check", {"answers": answers})
        assert status == 400, (bad, body)
    partial = correct_answers(topic)
    del partial[topic.questions[2].id]
    status, body = call(block, "submit_check", {"answers": partial})
    assert status == 400 and topic.questions[2].id in body["unanswered"]
    assert rows() == before


def test_unanswered_questions_are_named_by_number_for_the_form(block):
    topic = block.topic()
    answers = correct_answers(topic)
    missing = topic.questions[3:6]
    for question in missing:
        del answers[question.id]
    status, body = call(block, "submit_check", {"answers": answers})
    assert status == 400
    assert body["error"] == "Questions 4, 5 and 6 are not answered yet.", body
    assert body["unanswered"] == [q.id for q in missing]
    assert body["unanswered_labels"] == {q.id: f"Question {n}" for n, q in enumerate(missing, start=4)}
    del answers[topic.questions[0].id]
    answers.update({q.id: q.correct_option_id for q in missing})
    assert call(block, "submit_check", {"answers": answers})[1]["error"] == "Question 1 is not answered yet."


@pytest.mark.parametrize("text,fragment", [
    ("too short", "between 20 and 5000"),
    ("x" * 5001, "between 20 and 5000"),
    ("   " + "\n" * 30, "required"),
    (12345, "must be text"),
    (["a list of text that is long enough"], "must be text"),
    ("a reflection with a NUL \x00 character inside it", "control characters"),
    ("a reflection with a lone surrogate \ud800 inside it", "not valid text"),
])
def test_bad_reflections_are_400_with_limits(block, text, fragment):
    _prepare(block)
    before = rows()
    status, body = call(block, "save_reflection", {"text": text})
    assert status == 400 and fragment in body["error"], body
    assert rows() == before
    assert TopicProgress.objects.get(learner_id="learner-1").reflection == "An earlier reflection that must survive."


@pytest.mark.parametrize("payload", [{"section": "no-such-section"}, {"section": 1}, {"section": None}, {},
                                     {"section": "x", "extra": 1}])
def test_bad_section_is_400(block, payload):
    _prepare(block)
    before = rows()
    status, body = call(block, "view_section", payload)
    assert status == 400 and body["error"]
    assert rows() == before


def test_anonymous_user_cannot_write(make_block):
    block = make_block(XML, "none")
    topic = block.topic()
    assert "Knowledge check" in render(block)
    status, body = call(block, "submit_check", {"answers": correct_answers(topic)})
    assert status == 403
    assert TopicProgress.objects.count() == 0


def test_reflection_text_is_escaped_on_every_page(make_block, events):
    hostile = '<img src=x onerror=alert(1)><script>alert("r")</script> and more words'
    block = make_block(f'<vertical_demo><elsx_progress/>{XML}</vertical_demo>', "learner-1")
    topic_block = block.runtime.get_block(block.children[1])
    status, body = call(topic_block, "save_reflection", {"text": hostile})
    assert status == 200
    html = render(block)
    assert "<img src=x" not in html and "<script>alert(" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in body["saved_html"] and "<script" not in body["checklist_html"]


def test_two_learners_never_see_each_others_state(block):
    topic = block.topic()
    complete_topic(block, "Learner one's private reflection text.")
    other = as_user(block, "learner-2")
    html = render(other)
    assert "Learner one&#x27;s private reflection text." not in html
    assert "Learner one's private reflection text." not in html
    assert "Not started" in html and "In progress" not in html and "Complete" not in html
    status, body = call(other, "submit_check", {"answers": wrong_answers(topic)})
    assert body["attempts"] == 1 and body["best_score"] == 0
    assert TopicProgress.objects.get(learner_id="learner-1").best_score == 100


def test_identity_comes_from_the_runtime_not_the_request(block):
    topic = block.topic()
    status, body = call(block, "submit_check", {"answers": correct_answers(topic), "learner_id": "learner-2"})
    assert status == 400
    assert not TopicProgress.objects.filter(learner_id="learner-2").exists()


def test_unknown_topic_id_renders_a_message(make_block):
    block = make_block('<elsx_topic topic_id="no-such-topic"/>')
    assert "unknown topic" in render(block)


def test_every_topic_renders_with_unique_ids_on_one_page(make_block):
    xml = "<vertical_demo>" + "".join(
        f'<elsx_topic topic_id="{t.id}"/>' for t in get_curriculum().topics) + "</vertical_demo>"
    html = render(make_block(xml))
    import re
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    for topic in get_curriculum().topics:
        assert topic.title in html.replace("&amp;", "&")
