"""The learner's schedule in the progress block, read from the course's recorded cohort start."""
from datetime import date, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from elsx.blocks.cohort import CohortBlock
from elsx.cohort import starts
from elsx.cohort.models import CohortStart
from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput
from tests.certificates_helpers import media  # noqa: F401  the fixture
from tests.cohort_helpers import STAFF
from tests.conftest import COURSE, call, complete_topic, render

pytestmark = pytest.mark.django_db

COURSE_XML = "<vertical_demo><elsx_progress/>" + "".join(
    f'<elsx_topic topic_id="{t.id}"/>' for t in get_curriculum().topics) + "</vertical_demo>"


@pytest.fixture
def course(make_block):
    root = make_block(COURSE_XML, "learner-1")
    return root.runtime.get_block(root.children[0]), [root.runtime.get_block(c) for c in root.children[1:]]


def started(days_ago):
    return timezone.localdate() - timedelta(days=days_ago)


def due_in_weeks(weeks):
    return sum(len(week.topics) for week in get_curriculum().weeks[:weeks])


def test_mid_course_names_the_week_the_topics_due_and_the_learners_count(course):
    block, topics = course
    complete_topic(topics[0])
    starts.record(COURSE, started(24))  # day 25: week 4, weeks 1 to 3 are due
    html = render(block)
    assert f"Week 4 of 6</strong> — topics 1–{due_in_weeks(3)} are due; you have finished 1." in html
    state = call(block, "learner_state", method="GET")[1]["schedule"]
    assert state["week"] == 4 and state["topics_due"] == due_in_weeks(3) and state["start"] == started(24).isoformat()


def test_each_week_shows_the_last_day_it_is_due(course):
    block, _topics = course
    start = started(24)
    starts.record(COURSE, start)
    html = render(block)
    for number in range(1, 7):
        last_day = start + timedelta(days=7 * number - 1)
        assert f"Due by the end of {date_filter(last_day, 'DATE_FORMAT')}" in html
    assert call(block, "learner_state", method="GET")[1]["schedule"]["due"]["1"] == (start + timedelta(6)).isoformat()


def test_before_the_start_says_when_it_starts(course):
    block, _topics = course
    start = started(-3)
    starts.record(COURSE, start)
    html = render(block)
    assert f"The schedule starts on {date_filter(start, 'DATE_FORMAT')}: no topics are due yet." in html
    assert "Week 1 of 6" not in html


def test_first_week_has_nothing_due_yet(course):
    block, _topics = course
    starts.record(COURSE, started(0))
    assert "Week 1 of 6</strong> — no topics are due yet; you have finished 0." in render(block)


def test_after_the_end_every_topic_is_due(course):
    block, topics = course
    for topic in topics[:3]:
        complete_topic(topic)
    starts.record(COURSE, started(60))
    html = render(block)
    assert "The 6-week schedule has ended: all 10 topics are due; you have finished 3." in html


@pytest.mark.parametrize("stored", [None, date(2000, 1, 3)])
def test_no_start_or_a_bad_stored_start_shows_no_weeks_and_no_error(course, stored):
    block, _topics = course
    if stored:  # out of range (saved long ago, or written behind the API): counts as not set
        CohortStart.objects.create(course_key=COURSE, start=stored)
    html = render(block)
    assert "Due by the end of" not in html and " of 6</strong>" not in html and "schedule" not in html.lower()
    assert call(block, "learner_state", method="GET")[1]["schedule"] is None
    assert call(block, "refresh", {})[0] == 200


def test_resume_links_to_the_next_step(course):
    block, topics = course
    assert "Start<span" in render(block)  # nothing begun yet
    complete_topic(topics[0])
    html = render(block)
    assert 'href="#elsx-topic-' + get_curriculum().topics[1].id + '"' in html and "Resume<span" in html
    assert "Topic 2</span></a>" in html


# --- the record ------------------------------------------------------------------------------------


def test_record_is_idempotent_and_clearing_removes_it(django_assert_num_queries):
    start = started(10)
    assert starts.record(COURSE, start.isoformat()) == start
    with django_assert_num_queries(1):  # unchanged: one read, no write
        assert starts.record(COURSE, start) == start
    assert CohortStart.objects.filter(course_key=COURSE).count() == 1
    later = started(3)
    starts.record(COURSE, later)
    assert starts.get(COURSE) == later and CohortStart.objects.count() == 1
    assert starts.record(COURSE, "") is None and starts.get(COURSE) is None


@pytest.mark.parametrize("bad", ["2026-13-01", "next monday", "9999-12-31", 2026.5, ["2026-11-02"], "1999-01-04"])
def test_bad_input_is_refused_and_nothing_stored(bad):
    starts.record(COURSE, started(10))
    with pytest.raises(InvalidInput):
        starts.record(COURSE, bad)
    assert starts.get(COURSE) == started(10)
    with pytest.raises(InvalidInput):
        starts.record("course-v1:ELSX+OTHER+x", bad)
    assert not CohortStart.objects.filter(course_key="course-v1:ELSX+OTHER+x").exists()


def test_studio_save_and_staff_render_of_the_cohort_block_write_the_record(make_block):
    block = make_block('<elsx_cohort cohort_start=""/>', STAFF)
    body = {"values": {"cohort_start": started(24).isoformat()}, "defaults": []}
    status, _payload = call(block, "submit_studio_edits", body)
    assert status == 200 and starts.get(COURSE) == started(24)
    status, _payload = call(block, "submit_studio_edits", {"values": {"cohort_start": "2026-02-30"}, "defaults": []})
    assert status == 400 and starts.get(COURSE) == started(24)  # refused: the record is unchanged
    # A start that reached the LMS another way (an import, a publish) is copied when staff open the dashboard.
    other = make_block(f'<elsx_cohort cohort_start="{started(5).isoformat()}"/>', STAFF)
    render(other)
    assert starts.get(COURSE) == started(5)
    # A learner's view of the dashboard writes nothing.
    stale = make_block(f'<elsx_cohort cohort_start="{started(9).isoformat()}"/>', "learner-1")
    render(stale)
    assert starts.get(COURSE) == started(5)
    status, _payload = call(block, "submit_studio_edits", {"values": {"cohort_start": ""}, "defaults": []})
    assert status == 200 and starts.get(COURSE) is None


def test_the_demo_seed_records_the_demo_cohorts_start(media):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    from elsx.cohort.seed import default_start
    call_command("elsx_seed_demo", stdout=StringIO())
    assert starts.get(COURSE) == default_start() == started(24)
    assert f'cohort_start="{started(24).isoformat()}"' in CohortBlock.workbench_scenarios()[0][1]
