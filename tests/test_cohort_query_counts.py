"""Cohort queries, exact figures: every summary count of a small known cohort, the boundaries of the
inactive and engaged-time filters, the agency suggestions' cap and the refused keys (issue 10's gaps)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from elsx.cohort import query
from elsx.cohort.params import GridParams
from elsx.curriculum import get_curriculum
from elsx.engagement.models import EngagementClock
from elsx.models import LearnerProfile
from tests.cohort_helpers import COURSE, add_learner, first_topics, schedule

pytestmark = pytest.mark.django_db


def _hours(topic_ids):
    curriculum = get_curriculum()
    return sum((curriculum.topic(topic_id).hours for topic_id in topic_ids), Decimal("0"))


@pytest.fixture
def five():
    """Week 4 (six topics due): one learner at every stage, ids say which."""
    sched = schedule(24)
    every = tuple(get_curriculum().topic_ids())
    assert sched.topics_due == 6 and sched.never_active_is_inactive
    add_learner("never", last_activity=False)  # not started, behind, inactive
    add_learner("recent", done=first_topics(6))  # on track, active
    add_learner("stale", done=first_topics(1), last_activity=timezone.now() - timedelta(days=10))  # behind, inactive
    add_learner("certified", done=every, certificate="valid")
    add_learner("finished", done=every)  # completed, no certificate yet
    return sched


def test_every_summary_count_of_a_known_cohort(five):
    found = query.summary(COURSE, five)
    every = get_curriculum().topic_ids()
    assert found == query.Summary(
        roster=5, enrolled=4, not_started=1, active=3, on_track=1, behind=2, inactive=2, completed=2, certified=1,
        hours=_hours(first_topics(6)) + _hours(first_topics(1)) + 2 * _hours(every), certified_hours=_hours(every),
        matching=0)
    assert isinstance(found.hours, Decimal) and isinstance(found.certified_hours, Decimal)


def test_matching_counts_what_the_params_select(five):
    assert query.summary(COURSE, five, GridParams()).matching == 5
    assert query.summary(COURSE, five, GridParams(status="behind")).matching == 2
    assert query.summary(COURSE, five, GridParams(search="nobody")).matching == 0


def test_an_empty_cohort_sums_to_decimal_zero():
    found = query.summary(COURSE, schedule(24), GridParams())
    assert (found.roster, found.hours, found.certified_hours, found.matching) == (0, 0, 0, 0)
    assert isinstance(found.hours, Decimal) and isinstance(found.certified_hours, Decimal)


def test_activity_exactly_at_the_inactivity_cutoff_is_still_active():
    sched = schedule(24)
    add_learner("edge", done=first_topics(6), last_activity=sched.inactive_before)
    add_learner("older", done=first_topics(6), last_activity=sched.inactive_before - timedelta(seconds=1))
    assert not query.is_inactive(None, sched.inactive_before, sched)
    assert query.is_inactive(None, sched.inactive_before - timedelta(seconds=1), sched)
    rows = {row.learner_id: row.inactive for row in query.grid_page(COURSE, GridParams(), sched).rows}
    assert rows == {"edge": False, "older": True}
    inactive = query.grid_page(COURSE, GridParams(status="inactive"), sched).rows
    assert [row.learner_id for row in inactive] == ["older"]
    found = query.summary(COURSE, sched)
    assert (found.active, found.inactive) == (1, 1)


def test_engaged_under_selects_completers_strictly_under_the_minutes():
    sched = schedule(24)
    every = get_curriculum().topic_ids()
    for learner_id, seconds, done in [("at", 100 * 60, every), ("under", 100 * 60 - 1, every),
                                      ("no-clock", None, every), ("unfinished", 5, first_topics(2))]:
        add_learner(learner_id, done=done)
        if seconds is not None:
            EngagementClock.objects.create(course_key=COURSE, learner_id=learner_id, seconds=seconds)
    rows = query.grid_page(COURSE, GridParams(engaged_under=100), sched).rows
    assert sorted(row.learner_id for row in rows) == ["no-clock", "under"]


def test_agency_suggestions_are_sorted_distinct_and_capped():
    cap = query.AGENCY_SUGGESTIONS_MAX
    for index in range(cap + 1):
        add_learner(f"a{index:04d}", last_activity=False, agency=f"Agency {index:04d}")
    add_learner("same", last_activity=False, agency="Agency 0000")
    add_learner("blank", last_activity=False, agency="")
    assert LearnerProfile.objects.filter(course_key=COURSE).count() == cap + 3
    found = query.agencies(COURSE)
    assert found == [f"Agency {index:04d}" for index in range(cap)]


def test_an_unknown_status_or_sort_is_a_programming_error():
    sched = schedule(24)
    with pytest.raises(ValueError, match="sleeping"):
        query.status_q("sleeping", sched, COURSE)
    with pytest.raises(ValueError, match="password"):
        query.ordered(LearnerProfile.objects.all(), GridParams(sort="password"), sched, COURSE)


def test_each_row_has_its_pace_status_and_a_boolean_inactive_flag(five):
    rows = {row.learner_id: (row.status, row.inactive) for row in query.grid_page(COURSE, GridParams(), five).rows}
    assert rows == {"never": ("behind", True), "recent": ("on_track", False), "stale": ("behind", True),
                    "certified": ("certified", False), "finished": ("completed", False)}


def test_a_topic_never_opened_is_a_blank_not_started_cell():
    sched = schedule(24)
    add_learner("never", last_activity=False)
    add_learner("one", done=first_topics(1))
    rows = {row.learner_id: row for row in query.grid_page(COURSE, GridParams(), sched).rows}
    blank = [query.Cell(topic=topic, status=query.CELL_NOT_STARTED, best_score=None, attempts=0, passed=False,
                        completed_at=None, engaged_seconds=0) for topic in sched.topics]
    assert rows["never"].cells == blank
    assert rows["one"].cells[1:] == blank[1:]
    done = rows["one"].cells[0]
    assert (done.status, done.best_score, done.attempts, done.passed) == (query.CELL_COMPLETE, 100, 1, True)
    assert done.completed_at is not None and not done.failing
