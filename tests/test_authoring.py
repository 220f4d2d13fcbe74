"""Studio authoring of the topic block: the editor, its handler, validate(), permissions."""
import copy

import pytest
from django.test import Client
from xblock.validation import ValidationMessage

from elsx import authoring
from elsx.curriculum import get_curriculum
from tests.conftest import call, render

TOPIC = "media-relations"
XML = f'<elsx_topic topic_id="{TOPIC}"/>'


def editor_payload(topic_id=TOPIC):
    topic = get_curriculum().topic(topic_id)
    return authoring.editor_values(topic, topic.title, 80)


def stored(block):
    return {name: copy.deepcopy(getattr(block, name)) for name in authoring.SETTINGS_FIELDS + authoring.OVERRIDE_FIELDS}


@pytest.fixture
def staff_block(make_block):
    return make_block(XML, "instructor")


def messages(block):
    return [(m.type, m.text) for m in block.validate().messages]


# --- the editor and its handler ----------------------------------------------

def test_studio_view_shows_every_field_prefilled(staff_block):
    html = render(staff_block, "studio_view")
    topic = staff_block.topic()
    assert 'data-name="title"' in html and 'data-name="week"' in html and 'data-name="hours"' in html
    assert 'data-name="pass_mark"' in html and 'data-name="reflection_prompt"' in html
    assert 'data-name="objectives"' in html and 'data-name="summary"' in html
    assert html.count('data-item="section"') == len(topic.sections) + 1  # plus the template
    assert html.count('data-item="question"') == len(topic.questions) + 1
    assert "Week 3 (from the outline)" in html
    assert topic.questions[0].explanation.replace('"', "&quot;")[:40] in html


def test_unchanged_save_stores_no_overrides(staff_block):
    status, body = call(staff_block, "studio_submit", editor_payload())
    assert status == 200 and body["saved"] is True and body["problems"] == []
    for name in authoring.OVERRIDE_FIELDS:
        assert not staff_block.fields[name].is_set_on(staff_block) or getattr(staff_block, name) in ("", [], 0)
    assert staff_block.topic() == get_curriculum().topic(TOPIC)


def test_author_edits_every_field(staff_block):
    data = editor_payload()
    data.update({
        "display_name": "Media (edited)", "title": "Working with the media", "summary": "New summary.",
        "week": 5, "hours": "1.0", "pass_mark": 70, "reflection_prompt": "What will you change first?",
        "objectives": ["One.", "Two.", "Three."],
    })
    data["sections"][0]["title"] = "Partners"
    data["sections"][0]["body_html"] = "<p>Hello <script>alert(1)</script><strong>world</strong></p>"
    data["questions"][0]["prompt"] = "A new prompt?"
    data["questions"][0]["options"].append({"id": "z", "text": "A new distractor", "correct": False})
    data["questions"][0]["explanation"] = "Because."
    status, body = call(staff_block, "studio_submit", data)
    assert status == 200, body
    topic = staff_block.topic()
    assert (topic.title, topic.summary, topic.week, str(topic.hours)) == ("Working with the media", "New summary.",
                                                                        5, "1.0")
    assert staff_block.display_name == "Media (edited)" and staff_block.effective_pass_mark() == 70
    assert topic.objectives == ("One.", "Two.", "Three.") and topic.reflection_prompt == "What will you change first?"
    assert topic.sections[0].title == "Partners" and "<script>" not in topic.sections[0].body_html
    assert "<strong>world</strong>" in topic.sections[0].body_html
    assert topic.questions[0].prompt == "A new prompt?" and topic.questions[0].option_ids()[-1] == "z"
    assert topic.questions[0].explanation == "Because."
    # Unchanged fields keep following the curriculum.
    assert staff_block.hours == "" and topic.sections[1] == get_curriculum().topic(TOPIC).sections[1]
    assert "Week 5" in render(staff_block)


def test_new_items_get_ids(staff_block):
    data = editor_payload()
    data["sections"].append({"id": "", "title": "Extra", "body_html": "<p>More.</p>"})
    data["questions"].append({"id": "", "prompt": "New?", "explanation": "Yes.",
                              "options": [{"id": "", "text": "Yes", "correct": True},
                                          {"id": "", "text": "No", "correct": False}]})
    assert call(staff_block, "studio_submit", data)[0] == 200
    topic = staff_block.topic()
    assert topic.sections[-1].id == f"section-{len(topic.sections)}"
    assert topic.questions[-1].id == f"q{len(topic.questions)}" and topic.questions[-1].option_ids() == ["a", "b"]


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d["questions"][0]["options"].__setitem__(
        slice(None), [dict(o, correct=False) for o in d["questions"][0]["options"]]), "no correct answer"),
    (lambda d: d["questions"][1]["options"].__setitem__(
        slice(None), [dict(o, correct=True) for o in d["questions"][1]["options"]]), "correct answers; mark exactly"),
    (lambda d: d.update(pass_mark=0), "from 1 to 100"),
    (lambda d: d.update(pass_mark=101), "from 1 to 100"),
    (lambda d: d.update(pass_mark="eighty"), "from 1 to 100"),
    (lambda d: d.update(week=7), "from 0 to 6"),
    (lambda d: d.update(hours="-1"), "positive number"),
    (lambda d: d.update(hours="1.005"), "two decimals"),
    (lambda d: d.update(topic_id="no-such-topic"), "Unknown topic id"),
    (lambda d: d.update(sections=[]), "at least one section"),
    (lambda d: d.update(questions=[]), "at least one question"),
    (lambda d: d.update(objectives=["", " "]), "at least one learning objective"),
    (lambda d: d["sections"][0].update(body_html=""), "has no text"),
    (lambda d: d["sections"][1].update(id=d["sections"][0]["id"]), "share the id"),
    (lambda d: d["questions"][0].update(options=[d["questions"][0]["options"][0]]), "at least two options"),
    (lambda d: d["questions"][0]["options"][0].update(correct="yes"), "true or false"),
    (lambda d: d.update(reflection_prompt=""), None),  # empty means "as in the curriculum": allowed
    (lambda d: d.update(sections="not a list"), "must be a list"),
    (lambda d: d.update(colour="red"), "Unknown field"),
    (lambda d: d["questions"][0].update(extra=1), "unknown field"),
    (lambda d: d.update(title="x" * 201), "between 0 and 200"),
])
def test_invalid_input_is_400_and_changes_nothing(staff_block, change, fragment):
    before = stored(staff_block)
    data = editor_payload()
    change(data)
    status, body = call(staff_block, "studio_submit", data)
    if fragment is None:
        assert status == 200
        return
    assert status == 400, body
    assert fragment in body["error"], body["error"]
    assert stored(staff_block) == before


def test_hours_that_break_the_total_save_but_validate_reports_them(staff_block):
    # Moving hours between topics takes two saves, so the save is allowed and validate() says what is wrong.
    data = editor_payload()
    data["hours"] = "1.5"
    # The error comes back first, for the author to confirm; nothing is stored until they do.
    before = stored(staff_block)
    status, body = call(staff_block, "studio_submit", data)
    assert status == 409 and body["needs_confirmation"] is True, body
    assert any("adds up to 11.5" in p["message"] and p["severity"] == "error" for p in body["problems"])
    assert stored(staff_block) == before
    status, body = call(staff_block, "studio_submit", dict(data, confirm=True))
    assert status == 200
    assert any("adds up to 11.5" in p["message"] for p in body["problems"])
    assert (ValidationMessage.ERROR, messages(staff_block)[0][1]) == messages(staff_block)[0]
    assert "adds up to 11.5 hours, not 11.0" in messages(staff_block)[0][1]


@pytest.mark.parametrize("user", ["learner-1", "staff-but-not-really"])
def test_non_staff_cannot_save(make_block, user):
    block = make_block(XML, user)
    before = stored(block)
    data = editor_payload()
    data["title"] = "Hijacked"
    status, body = call(block, "studio_submit", data)
    assert status == 403 and "course team" in body["error"]
    assert stored(block) == before


def test_anonymous_cannot_save(make_block):
    block = make_block(XML, "none")
    status, _body = call(block, "studio_submit", editor_payload())
    assert status == 403


def test_studio_submit_needs_post(staff_block):
    assert call(staff_block, "studio_submit", method="GET")[0] == 405


# --- validate() -----------------------------------------------------------------

def test_curriculum_topics_validate_clean(make_block):
    for topic in get_curriculum().topics:
        block = make_block(f'<elsx_topic topic_id="{topic.id}"/>', "instructor")
        assert messages(block) == [], topic.id


@pytest.mark.parametrize("xml, fragment", [
    ('<elsx_topic topic_id="nope"/>', "Unknown topic id"),
    (f'<elsx_topic topic_id="{TOPIC}" pass_mark="0"/>', "from 1 to 100"),
    (f'<elsx_topic topic_id="{TOPIC}" pass_mark="150"/>', "from 1 to 100"),
    (f'<elsx_topic topic_id="{TOPIC}" hours="2.0"/>', "adds up to 12.0 hours, not 11.0"),
    (f'<elsx_topic topic_id="{TOPIC}" hours="zero"/>', "positive number"),
    (f'<elsx_topic topic_id="{TOPIC}" week="9"/>', "week must be from 1 to 6"),
])
def test_validate_reports_mistakes(make_block, xml, fragment):
    block = make_block(xml, "instructor")
    found = messages(block)
    assert any(kind == ValidationMessage.ERROR and fragment in text for kind, text in found), found


def test_validate_reports_question_mistakes(staff_block):
    questions = copy.deepcopy(editor_payload()["questions"])
    for option in questions[0]["options"]:
        option["correct"] = False
    for option in questions[1]["options"]:
        option["correct"] = True
    questions[2]["explanation"] = ""
    staff_block.questions = questions
    found = messages(staff_block)
    assert (ValidationMessage.ERROR, "Question 1 has no correct answer; mark exactly one option correct.") in found
    assert any("Question 2 has 4 correct answers" in text for _kind, text in found)
    assert (ValidationMessage.WARNING, "Question 3 has no explanation for learners.") in found


def test_validate_hours_compare_against_the_curriculum_with_this_topic_replaced(make_block):
    topic = get_curriculum().topic(TOPIC)
    block = make_block(f'<elsx_topic topic_id="{TOPIC}" hours="{topic.hours}"/>', "instructor")
    assert messages(block) == []


def test_problems_for_an_edited_empty_section_list():
    found = authoring.problems(TOPIC, {"sections": [{"id": "a", "title": "", "body_html": ""}]}, 80)
    assert [p.message for p in found][:2] == ["Section 1 has no title.", "Section 1 (\u201c\u201d) has no text."]


# --- the workbench page ------------------------------------------------------------

@pytest.mark.django_db
def test_workbench_shows_the_studio_editor_to_the_instructor():
    from workbench.scenarios import SCENARIOS, init_scenarios
    init_scenarios()
    name = next(key for key, scenario in SCENARIOS.items() if "Studio editor" in scenario.description)
    response = Client().get(f"/scenario/{name}/studio_view/?student=instructor")
    assert response.status_code == 200
    assert b"ElsxTopicStudio" in response.content and b'data-name="title"' in response.content


def test_in_studio_the_course_team_check_decides(make_block, settings, monkeypatch, django_user_model):
    """Studio's user service may not mark authors as staff; Studio's write-access check decides there."""
    import sys
    import types
    calls = []
    auth = types.ModuleType("common.djangoapps.student.auth")
    auth.has_studio_write_access = lambda user, key: calls.append((user.username, key)) or user.username == "author"
    keys = types.ModuleType("opaque_keys.edx.keys")
    keys.CourseKey = types.SimpleNamespace(from_string=lambda text: f"key:{text}")
    for name in ("common", "common.djangoapps", "common.djangoapps.student", "opaque_keys", "opaque_keys.edx"):
        monkeypatch.setitem(sys.modules, name, sys.modules.get(name) or types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "common.djangoapps.student.auth", auth)
    monkeypatch.setitem(sys.modules, "opaque_keys.edx.keys", keys)
    settings.ROOT_URLCONF = "cms.urls"
    author = django_user_model.objects.create(username="author")
    other = django_user_model.objects.create(username="reader")
    data = editor_payload()
    data["title"] = "Edited in Studio"
    assert call(make_block(XML, str(other.pk)), "studio_submit", data)[0] == 403
    assert call(make_block(XML, "instructor"), "studio_submit", data)[0] == 403  # not a Django user id
    block = make_block(XML, str(author.pk))
    assert call(block, "studio_submit", data)[0] == 200 and block.title == "Edited in Studio"
    assert calls[-1] == ("author", "key:course-v1:ELSX+EXEC101+demo")


def test_studio_view_for_an_unknown_topic_still_opens(make_block):
    block = make_block('<elsx_topic topic_id="gone"/>', "instructor")
    html = render(block, "studio_view")
    assert "Unknown topic id" in html and "gone (unknown)" in html


def test_studio_view_shows_answers_only_to_authors(make_block):
    """The editor contains the correct answers, so a learner who reaches it sees none of it."""
    from tests.conftest import render
    learner_view = render(make_block('<elsx_topic topic_id="media-relations"/>', "learner-1"), "studio_view")
    assert "Only the course team can edit this topic." in learner_view
    assert 'correct' not in learner_view.lower().replace("course team", "")
    staff_view = render(make_block('<elsx_topic topic_id="media-relations"/>', "instructor"), "studio_view")
    assert "Only the course team" not in staff_view and "checked" in staff_view


def test_the_editor_hears_what_the_sanitizer_removed(staff_block):
    data = editor_payload()
    data["sections"][1]["body_html"] = ('<p onclick="x()">Child\'s safety</p><script>alert(1)</script>'
                                        '<a href="javascript:x">link</a><img src=x>')
    status, body = call(staff_block, "studio_submit", data)
    assert status == 200, body
    assert body["removed"] == ["Section 2: <script>, a link without https://, <img>, attributes"], body["removed"]
    assert "Child's safety" in staff_block.topic().sections[1].body_html  # no &#x27; for the author to read


def test_duplicate_ids_are_named_in_whole_sentences(staff_block):
    data = editor_payload()
    options = data["questions"][0]["options"]
    options[1]["id"] = options[0]["id"]
    status, body = call(staff_block, "studio_submit", data)
    assert status == 400
    assert f"In question 1, two options share the id “{options[0]['id']}”." in body["error"], body["error"]
