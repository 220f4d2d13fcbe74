"""The course evaluation: accessible form, who apart from what, aggregates, comment threshold, export."""
import csv
import io

import pytest

from elsx.evaluation import api
from elsx.evaluation.models import EvaluationCompletion, EvaluationResponse
from tests.certificates_helpers import learner
from tests.commission_helpers import handler_get_text
from tests.conftest import call, render

XML = "<elsx_evaluation/>"
COURSE = "course-v1:ELSX+EXEC101+demo"


def answers(value=4, comment="The media module was the most useful."):
    ratings = {item.id: value for item in api.rated_items()}
    comments = {item.id: comment for item in api.comment_items()}
    return {"ratings": ratings, "comments": comments}


def test_form_uses_labelled_radios_in_fieldsets(make_block):
    html = render(make_block(XML, "learner-1"))
    for item in api.rated_items():
        assert f'data-item-id="{item.id}"' in html
        for value, label in item.points:
            assert f'id="elsx--elsx-evaluation-d0-u0-{item.id}-{value}"' in html or f'-{item.id}-{value}"' in html
    assert html.count("<fieldset") == len(api.rated_items()) and html.count("<legend>") == len(api.rated_items())
    assert "Strongly agree" in html and "About the credit hours" in html
    assert html.count("<textarea") == len(api.comment_items())


def test_submit_once_stores_completion_apart_from_the_answers(make_block):
    block = make_block(XML, "learner-1")
    status, body = call(block, "submit", answers())
    assert status == 200 and not body["duplicate"] and "Thank you" in body["html"]
    status, body = call(block, "submit", answers(value=1))
    assert status == 200 and body["duplicate"]
    assert EvaluationCompletion.objects.get().learner_id == "learner-1"
    response = EvaluationResponse.objects.get()
    stored = {field.name for field in EvaluationResponse._meta.get_fields()}
    assert stored == {"id", "course_key", "ratings", "comments"}
    assert set(response.ratings.values()) == {4}
    assert "learner-1" not in str(response.ratings) + str(response.comments)


@pytest.mark.parametrize("change", ["missing", "bad_value", "unknown_item", "bool", "comment_as_rating"])
def test_bad_answers_are_400_and_store_nothing(make_block, change):
    data = answers()
    first = api.rated_items()[0].id
    if change == "missing":
        del data["ratings"][first]
    elif change == "bad_value":
        data["ratings"][first] = 9
    elif change == "unknown_item":
        data["ratings"]["made-up"] = 3
    elif change == "bool":
        data["ratings"][first] = True
    else:
        data["ratings"][api.comment_items()[0].id] = 3
    status, body = call(make_block(XML, "learner-1"), "submit", data)
    assert status == 400 and body["error"]
    assert not EvaluationCompletion.objects.exists() and not EvaluationResponse.objects.exists()


def test_staff_see_aggregates_and_comments_only_from_five_answers(make_block):
    for index in range(4):
        api.submit(COURSE, learner(f"l{index}"), answers(value=2 + index % 3)["ratings"],
                   answers(comment=f"comment number {index}")["comments"])
    staff_html = render(make_block(XML, "instructor"))
    assert "4 responses" in staff_html and "comment number" not in staff_html
    assert "Comments are shown once at least 5 learners have answered." in staff_html
    assert "evaluation-summary" not in render(make_block(XML, "learner-9"))
    api.submit(COURSE, learner("l4"), answers()["ratings"], answers(comment="<b>bold</b>")["comments"])
    staff_html = render(make_block(XML, "instructor"))
    assert "comment number 3" in staff_html and "&lt;b&gt;bold&lt;/b&gt;" in staff_html
    summary = api.summary(COURSE)
    assert summary.responses == 5 and summary.items[0].answered == 5 and summary.items[0].mean is not None


def test_export_is_staff_only_and_anonymous(make_block):
    for index in range(5):
        api.submit(COURSE, learner(f"learner-{index}", full_name=f"Person {index}"), answers()["ratings"],
                   answers(comment="=HYPERLINK(1)")["comments"])
    status, text = handler_get_text(make_block(XML, "learner-1"), "export")
    assert status == 403 and "ratings" not in text
    status, text = handler_get_text(make_block(XML, "instructor"), "export")
    assert status == 200
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 6 and rows[0][0] == api.form().items[0].id
    assert "'=HYPERLINK(1)" in rows[1]
    assert "learner-" not in text and "Person" not in text
