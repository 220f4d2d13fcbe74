"""The cohort dashboard block: staff only, handlers, bad input, escaping, accessibility."""
import re
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from elsx.blocks.cohort import CohortBlock
from elsx.cohort import certs
from elsx.models import Certificate, LearnerProfile
from tests.cohort_helpers import STAFF, add_learner, add_learner_rows, cohort_xml, first_topics, get
from tests.conftest import as_user, call, render

pytestmark = pytest.mark.django_db

JSON_HANDLERS = {
    "grid": {}, "refresh": {}, "learner": {"learner_id": "secret-learner"}, "emails": {}, "agencies": {},
    "issue_preview": {}, "issue_certificates": {}, "export": {"kind": "roster"}, "export_status": {"job": 1},
    "review_detail": {"submission": 1}, "review_decide": {"submission": 1, "verdict": "accept", "rubric": {}},
    "nudge_preview": {}, "nudge_send": {},
    "revoke_certificate": {"learner_id": "secret-learner", "number": "X", "reason": "Because"},
    "reissue_certificate": {"learner_id": "secret-learner", "number": "X", "legal_name": "Zelda"},
    "reinstate_certificate": {"learner_id": "secret-learner", "number": "X", "reason": "Because"},
}


@pytest.fixture
def block(make_block):
    return make_block(cohort_xml(), user_id=STAFF)


@pytest.fixture
def cohort():
    add_learner("secret-learner", full_name="Zelda Secretname", email="zelda@secret.example.org",
                agency="Hidden County Sheriff", done=first_topics(3))
    add_learner("other", full_name="Omar Other", email="omar@example.org", agency="Metro PD", role="psap")


def test_every_data_handler_is_marked_staff_only():
    marked = {name for name in dir(CohortBlock)
              if getattr(getattr(CohortBlock, name, None), "elsx_handler", {}).get("staff_only")}
    assert marked == set(JSON_HANDLERS)


@pytest.mark.parametrize("user_id", ["learner-1", "none"])
def test_non_staff_see_a_note_and_no_data(block, cohort, user_id):
    html = render(as_user(block, user_id))
    assert "for course staff" in html
    for secret in ("Zelda", "zelda@", "Hidden County", "Omar", "<table"):
        assert secret not in html


@pytest.mark.parametrize("handler", sorted(JSON_HANDLERS))
@pytest.mark.parametrize("user_id", ["learner-1", "none"])
def test_non_staff_get_403_and_no_data_from_every_handler(block, cohort, handler, user_id):
    status, body = call(as_user(block, user_id), handler, JSON_HANDLERS[handler])
    assert status == 403
    assert set(body) == {"error"}
    assert "Zelda" not in str(body) and "zelda@" not in str(body)


@pytest.mark.parametrize("args", [{}, {"kind": "credit"}, {"job": "1"}])
def test_non_staff_cannot_download(block, cohort, args):
    status, headers, body = get(as_user(block, "learner-1"), "download", args)
    assert status == 403 and b"Zelda" not in body and b"zelda@" not in body
    assert headers["Content-Type"].startswith("application/json")


def test_staff_see_summary_topics_and_grid(block, cohort):
    html = render(block)
    assert "Zelda Secretname" in html and "Hidden County Sheriff" in html
    assert "Where the cohort stands" in html and "By topic" in html
    assert re.search(r'<th scope="col" aria-sort="ascending" class="elsx-grid__name"><button[^>]*data-sort="name"',
                     html)
    assert len(re.findall(r'<th scope="row"[ >]', html)) >= 2 + 10  # learners and topics
    assert "Week 4 of 6" in html


def test_every_filter_has_a_label(block, cohort):
    html = render(block)
    form = html[html.index('data-region="filters"'):html.index("</form>")]
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form)
    assert len(ids) == 7
    for field_id in ids:
        assert f'<label for="{field_id}"' in html


def test_status_cells_have_text_not_only_colour(block, cohort):
    html = render(block)
    assert '<span class="elsx-sr-only">Complete</span>' in html
    assert '<span class="elsx-sr-only">Not started</span>' in html
    # 24 days in, weeks 1-3 (6 topics) are due: Zelda (3 done) and Omar (none) are both behind.
    behind = '<span class="elsx-status elsx-status--behind"><span aria-hidden="true">▲</span> Behind</span>'
    assert html.count(behind) == 2
    assert "elsx-status--on_track" not in html


def test_grid_handler_filters_sorts_and_pages(block, cohort):
    status, body = call(block, "grid", {"status": "behind", "sort": "agency", "dir": "desc"})
    assert status == 200 and body["total"] == 2
    assert body["grid_html"].index("Omar") < body["grid_html"].index("Zelda")  # Metro > Hidden, descending
    assert 'aria-sort="descending"' in body["grid_html"]
    status, body = call(block, "grid", {"search": "omar@"})
    assert body["total"] == 1 and "Zelda" not in body["grid_html"]
    assert "Showing 1–1 of 1 learners." == body["status_text"]


def test_page_past_the_end_is_clamped(block, cohort):
    status, body = call(block, "grid", {"page": 40})
    assert status == 200 and body["page"] == 1 and body["params"]["page"] == 1


@pytest.mark.parametrize("data, named", [
    ({"status": "asleep"}, "on_track, behind, inactive, completed, certified"),
    ({"sort": "email"}, "name, agency, status, hours, last_activity, week, behind, certificate"),
    ({"page_size": 10}, "25, 50, 100"),
    ({"page": -1}, "page"),
    ({"page": "last"}, "page"),
    ({"filter": "x"}, "status, agency, role, not_completed, engaged_under, search"),
    ({"engaged_under": "soon"}, "Engaged minutes"),
    ({"not_completed": "topic-99"}, "vulnerable-populations"),
])
def test_bad_input_is_a_400_naming_the_allowed_values(block, cohort, data, named):
    status, body = call(block, "grid", data)
    assert status == 400 and named in body["error"]


def test_sql_and_html_in_search_are_text(block, cohort):
    status, body = call(block, "grid", {"search": "'; DROP TABLE elsx_learnerprofile; --"})
    assert status == 200 and body["total"] == 0
    assert LearnerProfile.objects.count() == 2
    status, body = call(block, "grid", {"search": "<script>"})
    assert status == 200 and "<script>" not in body["grid_html"]


def test_empty_cohort_shows_an_empty_state(block):
    html = render(block)
    assert "No learners yet" in html and "No learners in this cohort yet." in html
    status, body = call(block, "grid", {"status": "behind"})
    assert status == 200 and body["total"] == 0 and "No learners match these filters." in body["grid_html"]


def test_html_in_names_agencies_and_reflections_is_escaped(block):
    add_learner("evil", full_name="<script>alert(1)</script>", agency="<b>Bold PD</b>", done=first_topics(1))
    from elsx.models import TopicProgress
    TopicProgress.objects.filter(learner_id="evil").update(reflection="<img src=x onerror=alert(2)>\nline two")
    html = render(block)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold PD</b>" not in html and "&lt;b&gt;Bold PD&lt;/b&gt;" in html
    status, body = call(block, "learner", {"learner_id": "evil"})
    assert status == 200
    assert "<script>" not in body["html"] and "<img" not in body["html"] and "<b>Bold" not in body["html"]
    assert "&lt;img src=x onerror=alert(2)&gt;<br>line two" in body["html"]


def test_learner_drill_down(block, cohort):
    status, body = call(block, "learner", {"learner_id": "secret-learner"})
    assert status == 200
    assert "Zelda Secretname" in body["html"] and "We will change our intake protocol." in body["html"]
    assert "100%" in body["html"]
    assert call(block, "learner", {"learner_id": "nobody"})[0] == 404
    assert call(block, "learner", {"learner_id": 7})[0] == 404
    assert call(block, "learner", {})[0] == 400


def test_email_list_of_the_current_filter(block, cohort):
    status, body = call(block, "emails", {"role": "psap"})
    assert status == 200 and body == {"count": 1, "emails": ["omar@example.org"], "text": "omar@example.org"}
    status, body = call(block, "emails", {})
    assert body["count"] == 2 and body["text"] == "omar@example.org, zelda@secret.example.org"


def test_agency_suggestions(block, cohort):
    assert call(block, "agencies", {})[1] == {"agencies": ["Hidden County Sheriff", "Metro PD"]}


def test_bulk_issue_uses_the_certificates_api_and_shows_counts(block, cohort, monkeypatch):
    seen = []
    fake = types.SimpleNamespace(issue_for_course=lambda course_key: seen.append(course_key) or {
        "issued": 3, "already_issued": 1, "not_claimed": 2})
    monkeypatch.setattr(certs, "api", lambda: fake)
    status, body = call(block, "issue_certificates", {})
    assert status == 200 and body["counts"]["issued"] == 3 and seen == [block.course_key()]
    assert "Newly issued: <strong>3</strong>" in body["html"]


def test_bulk_issue_is_queued_when_celery_is_configured(block, monkeypatch, settings,
                                                       django_capture_on_commit_callbacks):
    import elsx.tasks
    queued = []
    monkeypatch.setattr(elsx.tasks.issue_certificates_task, "delay", queued.append)
    monkeypatch.setattr(certs, "api", lambda: types.SimpleNamespace(issue_for_course=lambda course_key: 1 / 0))
    settings.ELSX = {"EXPORT_BACKGROUND": "celery"}
    with django_capture_on_commit_callbacks(execute=True):
        status, body = call(block, "issue_certificates", {})
    assert status == 200 and body["queued"] is True and body["counts"] is None
    assert "in the background" in body["html"] and queued == [block.course_key()]


def test_issue_preview_counts_who_claimed_and_holds_no_certificate(block):
    status, body = call(block, "issue_preview", {})
    assert status == 200 and body["count"] == 0 and "No learner is waiting" in body["message"]
    claimed = {"legal_name": "Claimed Name", "claimed_at": timezone.now()}
    add_learner("waiting", done=first_topics(10), **claimed)
    add_learner("holder", done=first_topics(10), certificate=Certificate.STATUS_VALID)
    add_learner("unclaimed", done=first_topics(10))
    add_learner("retired", done=first_topics(10), retired_at=timezone.now(), **claimed)
    status, body = call(block, "issue_preview", {})
    assert status == 200 and body["count"] == 1, body
    assert body["message"].startswith("Issue a certificate to 1 learner who claimed one and has none yet?")
    add_learner("second", done=first_topics(10), **claimed)
    assert call(block, "issue_preview", {})[1]["message"].startswith("Issue certificates to 2 learners who")
    before = Certificate.objects.count()
    assert call(block, "issue_preview", {"count": 1})[0] == 400  # unknown keys are refused
    assert Certificate.objects.count() == before  # a preview issues nothing


def test_bulk_issue_without_the_certificates_api_says_so(block, monkeypatch):
    monkeypatch.setattr(certs, "api", lambda: None)
    status, body = call(block, "issue_certificates", {})
    assert status == 503 and "not installed" in body["error"]
    status, body = call(block, "issue_preview", {})
    assert status == 503 and "not installed" in body["error"]


def test_handler_query_count_does_not_grow_with_the_cohort(block):
    call(block, "refresh", {})  # the runtime loads its own state on the first call
    counts = []
    for size in (10, 100):
        for index in range(size - LearnerProfile.objects.count()):
            add_learner_rows(f"q{size}-{index}", done=first_topics(index % 4))
        with CaptureQueriesContext(connection) as captured:
            assert call(block, "refresh", {})[0] == 200
        counts.append(len([q for q in captured.captured_queries if "elsx_" in q["sql"]]))
    assert counts[0] == counts[1]


def test_workbench_scenario_is_staff_dashboard():
    (title, xml), = CohortBlock.workbench_scenarios()
    assert "Instructor" in title and "<elsx_cohort" in xml and "cohort_start=" in xml


def test_an_invalid_start_date_is_reported_not_fatal(make_block, cohort):
    block = make_block(cohort_xml(start="soon"), user_id=STAFF)
    html = render(block)
    assert "not usable" in html and "Zelda" in html
