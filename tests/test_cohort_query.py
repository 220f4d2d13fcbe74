"""Cohort queries: a fixed query count at any size, statuses, filters, sorting, paging, schedule."""
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from elsx.cohort import params as grid_params
from elsx.cohort import query
from elsx.cohort.params import GridParams
from elsx.cohort.schedule import Schedule
from elsx.cohort.seed import seed_cohort
from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput
from tests.cohort_helpers import COURSE, add_learner, first_topics, schedule

pytestmark = pytest.mark.django_db


def _queries(func):
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return len(captured.captured_queries), result


# --- the point of the issue: a fixed number of queries -------------------------

@pytest.mark.parametrize("grid", [
    GridParams(),
    GridParams(status="behind", sort="status", dir="desc", page_size=50),
    GridParams(search="garza", sort="certificate"),
    GridParams(role="psap", agency="Police", sort="topic:legal-considerations"),
    GridParams(status="certified", sort="hours", page_size=100),
])
def test_dashboard_costs_the_same_four_queries_at_10_100_and_1000_learners(grid):
    sched = schedule(24)
    counts = {}
    for size in (10, 100, 1000):
        course = f"course-v1:ELSX+SCALE+{size}"
        seed_cohort(course, size, now=sched.now, start=sched.start, certificates="rows")
        # One learner every filter above selects, so each size has a page to show.
        add_learner("match", course=course, full_name="Ana Garza", agency="Metro Police", role="psap",
                    done=get_curriculum().topic_ids(), certificate="valid")
        counts[size], found = _queries(lambda: query.dashboard(course, grid, sched))
        assert found.page.rows, "the page must not be empty, or the count proves nothing"
        if grid == GridParams():
            assert found.summary.roster == size + 1 and len(found.page.rows) == min(size + 1, 25)
    # 5: the four of the module docstring plus the engaged times of completers (issue 11's time study).
    assert counts[10] == counts[100] == counts[1000] == 5, counts


def test_nobody_matching_skips_the_page_queries():
    count, found = _queries(lambda: query.dashboard(COURSE, GridParams(search="nobody"), schedule(24)))
    assert count == 3 and found.page.total == 0


def test_a_grid_refresh_costs_three_queries_at_any_size():
    sched = schedule(24)
    counts = []
    for size in (10, 1000):
        course = f"course-v1:ELSX+GRID+{size}"
        seed_cohort(course, size, now=sched.now, start=sched.start, certificates="rows")
        counts.append(_queries(lambda: query.grid_page(course, GridParams(page=3, page_size=25), sched))[0])
    assert counts == [3, 3]


# --- statuses: SQL filters agree with the Python status of each row -----------

@pytest.fixture
def seeded():
    sched = schedule(24)
    seed_cohort(COURSE, 120, now=sched.now, start=sched.start, certificates="rows")
    return sched


def _all_rows(sched, **filters):
    page = query.grid_page(COURSE, GridParams(page_size=100, **filters), sched)
    rows = list(page.rows)
    number = 2
    while len(rows) < page.total:
        rows += query.grid_page(COURSE, GridParams(page_size=100, page=number, **filters), sched).rows
        number += 1
    return rows


def test_status_filters_match_the_status_shown_on_each_row(seeded):
    everyone = _all_rows(seeded)
    assert len(everyone) == 120
    expected = {
        "on_track": {r.learner_id for r in everyone if r.status == "on_track"},
        "behind": {r.learner_id for r in everyone if r.status == "behind"},
        "inactive": {r.learner_id for r in everyone if r.inactive},
        "completed": {r.learner_id for r in everyone if r.status in ("completed", "certified")},
        "certified": {r.learner_id for r in everyone if r.status == "certified"},
    }
    for status, ids in expected.items():
        assert ids, f"the seed should have {status} learners"
        assert {r.learner_id for r in _all_rows(seeded, status=status)} == ids, status


def test_summary_counts_add_up(seeded):
    found = query.summary(COURSE, seeded)
    assert found.on_track + found.behind + found.completed == found.roster == 120
    assert 0 < found.certified <= found.completed
    assert found.inactive <= found.on_track + found.behind
    assert found.enrolled + found.not_started == found.roster
    assert found.hours > 0 and found.certified_hours == found.certified * get_curriculum().hours


def test_per_topic_stats():
    sched = schedule(24)
    topics = get_curriculum().topic_ids()
    add_learner("a", done=topics[:2])
    add_learner("b", done=topics[:1])
    from elsx.models import TopicProgress
    TopicProgress.objects.create(course_key=COURSE, learner_id="b", topic_id=topics[1], attempts=2, best_score=40)
    stats = {stat.topic.id: stat for stat in query.topic_stats(COURSE, sched, enrolled=2)}
    assert (stats[topics[0]].completed, stats[topics[0]].rate, stats[topics[0]].mean_best) == (2, 100, 100)
    assert (stats[topics[1]].completed, stats[topics[1]].failing, stats[topics[1]].mean_best) == (1, 1, 70)
    assert stats[topics[2]].started == 0 and stats[topics[2]].mean_best is None


def test_out_of_order_completion_counts_toward_pace():
    # Week 4: weeks 1-3 (6 topics) are due. Any six topics put a learner on track.
    sched = schedule(24)
    topics = get_curriculum().topic_ids()
    add_learner("skipper", done=topics[2:8])
    add_learner("slow", done=topics[:5])
    rows = {row.learner_id: row for row in _all_rows(sched)}
    assert rows["skipper"].status == "on_track" and rows["skipper"].pace_week == 4
    assert rows["slow"].status == "behind" and rows["slow"].weeks_behind == 1


# --- filters, search, sorting, paging -----------------------------------------

def test_filters_by_agency_role_and_topic_not_completed():
    sched = schedule(24)
    add_learner("p1", agency="Austin Police Department", role="le_executive", done=first_topics(3))
    add_learner("p2", agency="Sacramento 911", role="psap", done=first_topics(1))
    add_learner("p3", agency="Austin Police Department", role="psap")
    ids = lambda **f: sorted(r.learner_id for r in _all_rows(sched, **f))  # noqa: E731
    assert ids(agency="austin police") == ["p1", "p3"]
    assert ids(role="psap") == ["p2", "p3"]
    assert ids(not_completed=first_topics(2)[1]) == ["p2", "p3"]
    assert ids(agency="Austin", role="psap") == ["p3"]


def test_search_is_text_even_with_sql_and_html_metacharacters():
    sched = schedule(24)
    add_learner("pct", full_name="Rate 100% sure")
    add_learner("under", full_name="Snake_case Smith")
    add_learner("quote", full_name="Pat O'Brien <b>", email="pat@example.org")
    add_learner("plain", full_name="Plain Person", email="plain@example.org")
    ids = lambda text: sorted(r.learner_id for r in _all_rows(sched, search=text))  # noqa: E731
    assert ids("%") == ["pct"]
    assert ids("_") == ["under"]
    assert ids("o'brien <b>") == ["quote"]
    assert ids("' OR 1=1 --") == []
    assert ids("PLAIN@EXAMPLE") == ["plain"]


def test_every_sort_pages_through_everyone_once():
    sched = schedule(24)
    topics = get_curriculum().topic_ids()
    for index in range(60):
        add_learner(f"l{index:02d}", full_name=f"Name {index % 7}", agency=f"Agency {index % 5}",
                    done=topics[:index % 11], last_activity=timezone.now() - timedelta(days=index % 12))
    for key in grid_params.sort_keys():
        for direction in ("asc", "desc"):
            seen = []
            for page in (1, 2, 3):
                seen += [r.learner_id for r in query.grid_page(
                    COURSE, GridParams(sort=key, dir=direction, page=page, page_size=25), sched).rows]
            assert sorted(seen) == sorted(f"l{index:02d}" for index in range(60)), (key, direction)


def test_sorting_orders_by_the_column():
    sched = schedule(24)
    add_learner("b", full_name="Bravo", done=first_topics(4))
    add_learner("a", full_name="Alpha", done=first_topics(1))
    add_learner("c", full_name="Charlie", done=first_topics(7))
    names = lambda **f: [r.name for r in query.grid_page(COURSE, GridParams(**f), sched).rows]  # noqa: E731
    assert names() == ["Alpha", "Bravo", "Charlie"]
    assert names(dir="desc") == ["Charlie", "Bravo", "Alpha"]
    assert names(sort="hours", dir="desc") == ["Charlie", "Bravo", "Alpha"]
    assert names(sort="status") == ["Alpha", "Bravo", "Charlie"]  # behind before on track
    assert names(sort=f"topic:{first_topics(2)[1]}", dir="desc")[-1] == "Alpha"


def test_a_page_past_the_end_is_clamped_to_the_last_page():
    sched = schedule(24)
    for index in range(30):
        add_learner(f"x{index:02d}")
    page = query.grid_page(COURSE, GridParams(page=99, page_size=25), sched)
    assert (page.number, page.pages, len(page.rows), page.first, page.last) == (2, 2, 5, 26, 30)


def test_an_empty_cohort_is_an_empty_page():
    found = query.dashboard(COURSE, GridParams(), schedule(24))
    assert found.summary.roster == 0 and found.page.rows == [] and found.page.total == 0


@pytest.mark.parametrize("data, field", [
    ({"colour": "red"}, None),
    ({"status": "sleeping"}, "status"),
    ({"role": "sheriff"}, "role"),
    ({"not_completed": "no-such-topic"}, "not_completed"),
    ({"sort": "password"}, "sort"),
    ({"dir": "sideways"}, "dir"),
    ({"page_size": 30}, "page_size"),
    ({"page": 0}, "page"),
    ({"page": "two"}, "page"),
    ({"page": True}, "page"),
    ({"search": "x" * 101}, "search"),
    ({"search": "bad\x00byte"}, "search"),
])
def test_bad_parameters_are_refused_naming_what_is_allowed(data, field):
    with pytest.raises(InvalidInput) as caught:
        grid_params.parse(data)
    assert caught.value.field == field
    if field in ("status", "sort", "page_size", "role", "dir"):
        assert "Allowed:" in caught.value.message and caught.value.extra["allowed"]


def test_query_string_values_parse_like_json():
    assert grid_params.parse({"page": "3", "page_size": "50", "sort": "hours"}) == GridParams(
        page=3, page_size=50, sort="hours")


# --- schedule edge cases ------------------------------------------------------

def _at(start, day_offset, hour=12):
    moment = datetime.combine(start + timedelta(days=day_offset), datetime.min.time()).replace(
        hour=hour, tzinfo=dt_timezone.utc)
    return Schedule.build(start, now=moment)


def test_schedule_weeks_and_topics_due():
    start = date(2026, 11, 2)
    assert (_at(start, -1).current_week, _at(start, -1).topics_due) == (0, 0)   # before the start
    assert (_at(start, 0).current_week, _at(start, 0).topics_due) == (1, 0)     # first day
    assert (_at(start, 6, 23).current_week, _at(start, 6, 23).topics_due) == (1, 0)  # week 1's last day: not yet due
    assert (_at(start, 7, 0).current_week, _at(start, 7, 0).topics_due) == (2, 2)    # overdue from day 8
    assert _at(start, 28).topics_due == 8 and _at(start, 35).topics_due == 9
    assert (_at(start, 42).current_week, _at(start, 42).topics_due) == (7, 10)  # schedule over
    assert (_at(start, 400).current_week, _at(start, 400).topics_due) == (7, 10)


def test_schedule_without_a_start_date_counts_nobody_behind():
    unset = Schedule.build(None)
    assert unset.current_week is None and unset.topics_due == 0 and unset.never_active_is_inactive


def test_inactivity_boundaries():
    start = date(2026, 11, 2)
    sched = _at(start, 20)
    assert query.is_inactive(None, sched.now - timedelta(days=7, seconds=1), sched)
    assert not query.is_inactive(None, sched.now - timedelta(days=6, hours=23), sched)
    assert not query.is_inactive(sched.now, sched.now - timedelta(days=30), sched)  # completed: never inactive
    assert not query.is_inactive(None, None, _at(start, 3))  # never started, cohort 3 days old
    assert query.is_inactive(None, None, _at(start, 7))


def test_pace_week_and_weeks_behind():
    sched = _at(date(2026, 11, 2), 24)  # week 4, six topics due
    assert [sched.pace_week(n) for n in (0, 2, 6, 9, 10)] == [1, 2, 4, 6, None]
    assert [sched.weeks_behind(n) for n in (0, 5, 6, 10)] == [3, 1, 0, 0]


def test_bad_start_dates_are_refused():
    with pytest.raises(InvalidInput):
        Schedule.build("next monday")


def test_the_behind_sort_puts_most_weeks_behind_first_then_the_oldest_activity():
    sched = schedule(24)
    topics = get_curriculum().topic_ids()
    assert sched.weeks_behind(0) == sched.weeks_behind(1) > sched.weeks_behind(3) > 0  # the weeks the test needs
    days_ago = lambda days: timezone.now() - timedelta(days=days)  # noqa: E731
    add_learner("recent", full_name="Recent", last_activity=days_ago(2))
    add_learner("never", full_name="Never", last_activity=False)
    add_learner("one-topic", full_name="One topic", done=topics[:1], last_activity=days_ago(20))
    add_learner("older", full_name="Older", last_activity=days_ago(10))
    add_learner("three", full_name="Three", done=topics[:3], last_activity=days_ago(30))
    add_learner("on-pace", full_name="On pace", done=topics[:sched.topics_due], last_activity=days_ago(40))
    names = lambda **f: [r.name for r in query.grid_page(COURSE, GridParams(sort="behind", **f), sched).rows]  # noqa: E731
    # The same weeks behind for 0 and 1 topics done: the oldest activity decides, never active first.
    assert names(dir="desc") == ["Never", "One topic", "Older", "Recent", "Three", "On pace"]
    assert names(dir="asc") == ["On pace", "Three", "Recent", "Older", "One topic", "Never"]
    rows = query.grid_page(COURSE, GridParams(sort="behind", dir="desc"), sched).rows
    assert [row.weeks_behind for row in rows] == sorted((row.weeks_behind for row in rows), reverse=True)
