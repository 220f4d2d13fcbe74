"""Known schedule boundaries: due days, the week number, pace, inactivity, in local time."""
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from elsx.cohort.schedule import INACTIVE_AFTER, Schedule, parse_start
from elsx.errors import InvalidInput

START = date(2026, 11, 2)  # a Monday; weeks hold 2, 2, 2, 2, 1, 1 topics


def at(days, hour=12):
    """Noon (UTC) on START + days: an aware now."""
    return datetime(2026, 11, 2, hour, tzinfo=dt_timezone.utc) + timedelta(days=days)


def sched(days, start=START, hour=12):
    with timezone.override("UTC"):
        schedule = Schedule.build(start, now=at(days, hour))
        schedule.today  # noqa: B018 - cached under the zone in force
        return schedule


def test_the_curriculum_shape_these_answers_assume():
    assert [len(topics) for _n, topics in sched(0).weeks] == [2, 2, 2, 2, 1, 1]


# (days since start, current week, topics due, last week due)
BOUNDARIES = [
    (-1, 0, 0, 0),
    (0, 1, 0, 0),
    (6, 1, 0, 0),
    (7, 2, 2, 1),   # week 1 is due from start + 7
    (13, 2, 2, 1),
    (14, 3, 4, 2),
    (21, 4, 6, 3),
    (28, 5, 8, 4),
    (34, 5, 8, 4),
    (35, 6, 9, 5),
    (41, 6, 9, 5),
    (42, 7, 10, 6),  # the schedule is over: weeks + 1
    (400, 7, 10, 6),
]


@pytest.mark.parametrize("days, week, due, last_due", BOUNDARIES)
def test_due_day_boundaries(days, week, due, last_due):
    schedule = sched(days)
    assert (schedule.current_week, schedule.topics_due, schedule.last_week_due) == (week, due, last_due)


def test_due_dates():
    schedule = sched(0)
    assert [schedule.due_date(n) for n in (1, 2, 6)] == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 12, 14)]
    assert schedule.week_count == 6 and len(schedule.topics) == 10


def test_today_is_the_local_date_not_utc():
    # 03:00 UTC on the due day of week 1 is still the evening before in Chicago: nothing due there yet.
    now = at(7, hour=3)
    with timezone.override("America/Chicago"):
        chicago = Schedule.build(START, now=now)
        assert chicago.today == date(2026, 11, 8) and chicago.topics_due == 0 and chicago.current_week == 1
    with timezone.override("UTC"):
        utc = Schedule.build(START, now=now)
        assert utc.today == date(2026, 11, 9) and utc.topics_due == 2 and utc.current_week == 2


def test_a_naive_now_is_taken_as_is():
    assert Schedule.build(START, now=datetime(2026, 11, 9, 0, 30)).today == date(2026, 11, 9)


def test_no_start_date():
    schedule = sched(10, start=None)
    assert (schedule.current_week, schedule.topics_due, schedule.last_week_due) == (None, 0, 0)
    assert schedule.weeks_behind(0) == 0 and schedule.never_active_is_inactive is True
    assert Schedule.build("", now=at(0)).start is None


@pytest.mark.parametrize("days, inactive", [(-3, False), (0, False), (6, False), (7, True), (30, True)])
def test_never_active_learners_become_inactive_when_the_cohort_is_a_week_old(days, inactive):
    assert sched(days).never_active_is_inactive is inactive


def test_inactive_before_is_seven_days_back():
    assert INACTIVE_AFTER == timedelta(days=7)
    assert sched(20).inactive_before == at(20) - timedelta(days=7)


@pytest.mark.parametrize("completed, week", [(-1, 1), (0, 1), (1, 1), (2, 2), (7, 4), (8, 5), (9, 6), (10, None),
                                             (11, None)])
def test_pace_week_is_the_week_of_the_next_topic(completed, week):
    assert sched(0).pace_week(completed) == week


# at start + 14 weeks 1 and 2 are due
@pytest.mark.parametrize("completed, behind", [(0, 2), (1, 2), (2, 1), (3, 1), (4, 0), (6, 0), (10, 0)])
def test_weeks_behind(completed, behind):
    assert sched(14).weeks_behind(completed) == behind


def test_weeks_behind_before_anything_is_due_is_zero():
    assert sched(3).weeks_behind(0) == 0 and sched(-5).weeks_behind(0) == 0


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("2026-11-02", START), (" 2026-11-02 ", START), (START, START),
])
def test_parse_start(value, expected):
    assert parse_start(value) == expected


@pytest.mark.parametrize("value", ["11/02/2026", "2026-13-01", "soon", datetime(2026, 11, 2, 10, 0)])
def test_bad_start_dates_are_refused_naming_the_field(value):
    with pytest.raises(InvalidInput) as caught:
        parse_start(value)
    assert caught.value.field == "cohort_start" and "2026-11-02" in str(caught.value)


def test_a_long_bad_value_is_quoted_cut_to_40_characters():
    value = "x" * 100
    with pytest.raises(InvalidInput) as caught:
        parse_start(value)
    assert repr(value)[:40] in str(caught.value) and repr(value)[:41] not in str(caught.value)


@pytest.mark.parametrize("value, accepted", [
    ("2021-06-15", True), ("2021-06-14", False),  # five years back from 2026-06-15, and a day more
    ("2031-06-15", True), ("2031-06-16", False),  # five years ahead, and a day more
])
def test_a_start_is_accepted_within_five_years_of_today_inclusive(value, accepted):
    today = date(2026, 6, 15)
    if accepted:
        assert parse_start(value, today=today) == date.fromisoformat(value)
    else:
        with pytest.raises(InvalidInput) as caught:
            parse_start(value, today=today)
        assert caught.value.field == "cohort_start" and "2021-06-15 to 2031-06-15" in str(caught.value)


def test_from_29_february_the_range_ends_on_28_february():
    today = date(2028, 2, 29)
    assert parse_start("2033-02-28", today=today) == date(2033, 2, 28)
    assert parse_start("2023-02-28", today=today) == date(2023, 2, 28)
    with pytest.raises(InvalidInput) as caught:
        parse_start("2033-03-01", today=today)
    assert "from 2023-02-28 to 2033-02-28" in str(caught.value)


def test_a_stored_start_out_of_range_or_malformed_counts_as_unset():
    with timezone.override("UTC"):
        assert Schedule.build_or_unset("2026-11-02", now=at(3)).start == START
        assert Schedule.build_or_unset("2099-01-01", now=at(3)).start is None
        assert Schedule.build_or_unset("soon", now=at(3)).current_week is None


def test_a_negative_count_is_paced_from_the_first_topic():
    # One topic in week 1: a count below zero is the first topic's week, not the second's.
    class Topic:
        def __init__(self, week):
            self.week = week
    schedule = Schedule(start=START, now=at(0), weeks=((1, (Topic(1),)), (2, (Topic(2), Topic(2)))))
    assert [schedule.pace_week(n) for n in (-2, -1, 0, 1, 2, 3)] == [1, 1, 1, 2, 2, None]


def test_a_schedule_cannot_be_changed_after_it_is_built():
    # Its cached answers (today, topics_due) are only right for the fields they were computed from.
    schedule = sched(10)
    with pytest.raises(AttributeError):
        schedule.start = START + timedelta(days=7)
