"""Cohort queries, exact figures: every summary count of a small known cohort, the boundaries of the
inactive and engaged-time filters, the agency suggestions' cap and the refused keys (issue 10's gaps)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from elsx import estimates, progress
from elsx.affirmation import api as affirmation
from elsx.cohort import query
from elsx.cohort.params import GridParams
from elsx.curriculum import get_curriculum
from elsx.engagement.models import EngagementClock
from elsx.learners import Learner
from elsx.models import LearnerProfile, TopicProgress
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
    cap = 500  # written out: reading query.AGENCY_SUGGESTIONS_MAX would follow a changed cap
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


def test_the_still_to_do_filter_leaves_out_who_met_the_requirement():
    sched = schedule(24)
    add_learner("affirmed", done=first_topics(1))
    add_learner("not-yet", done=first_topics(1))
    affirmation.record(COURSE, "affirmed")
    rows = query.grid_page(COURSE, GridParams(missing="affirmation"), sched).rows
    assert [row.learner_id for row in rows] == ["not-yet"]


def test_started_counts_a_real_action_and_completion_not_a_visit():
    sched = schedule(24)
    curriculum = get_curriculum()
    topic = curriculum.topic(first_topics(1)[0])
    add_learner("done", done=first_topics(1))
    for learner_id in ("visit-1", "visit-2", "read"):
        add_learner(learner_id)
        progress.record_visit(COURSE, Learner(id=learner_id, username=learner_id), topic)
    progress.view_section(COURSE, Learner(id="read", username="read"), topic, topic.section_ids()[0])
    stat = query.topic_stats(COURSE, sched, enrolled=4)[0]
    assert stat.topic.id == topic.id
    assert (stat.started, stat.completed, stat.failing, stat.rate) == (2, 1, 0, 25)


def _wrong_answers(topic):
    return {q.id: next(o.id for o in q.options if o.id != q.correct_option_id) for q in topic.questions}


def test_the_topic_table_of_a_known_cohort():
    sched = schedule(24)
    first, untouched = sched.topics[0], sched.topics[1]
    raw = estimates.topic_estimate(first).minutes
    assert raw != estimates.round_minutes(raw)  # or the table could show the unrounded estimate unnoticed
    for index in range(10):  # completers; engaged seconds written in descending order, so the query's are unsorted
        add_learner(f"c{index}", done=(first.id,))
        TopicProgress.objects.filter(learner_id=f"c{index}", topic_id=first.id).update(
            engaged_seconds=60 * (10 - index))
    add_learner("failing")
    who = Learner(id="failing", username="failing")
    assert not progress.submit_check(COURSE, who, first, _wrong_answers(first), 80).passed
    TopicProgress.objects.filter(learner_id="failing").update(engaged_seconds=10_000)  # not a completer's time
    stats = query.topic_stats(COURSE, sched, enrolled=11)
    # 10 of 11 completed: 90.9%; best scores ten 100s and one 0: mean 90.9; median rank 5 and p10 rank 1 of ten.
    assert stats[0] == query.TopicStat(
        topic=first, started=11, completed=10, failing=1, mean_best=91, rate=91, engaged_median=300,
        engaged_p10=60, estimate_minutes=estimates.round_minutes(raw))
    assert stats[1] == query.TopicStat(
        topic=untouched, started=0, completed=0, failing=0, mean_best=None, rate=0, engaged_median=None,
        engaged_p10=None, estimate_minutes=estimates.round_minutes(estimates.topic_estimate(untouched).minutes))
    assert query.topic_stats(COURSE, sched, enrolled=0)[0].rate == 0


def test_percentile_is_the_nearest_rank():
    assert query.percentile([7], 10) == 7 and query.percentile([3, 8], 50) == 3
    assert query.percentile(list(range(1, 11)), 10) == 1 and query.percentile(list(range(1, 11)), 50) == 5
    assert query.percentile(list(range(1, 102)), 50) == 51  # rank ceil(50.5)
    assert query.percentile(list(range(1, 11)), 100) == 10 and query.percentile([], 50) is None


def test_in_progress_cells_say_whether_the_check_is_failing():
    sched = schedule(24)
    topic = sched.topics[0]
    right = {q.id: q.correct_option_id for q in topic.questions}
    wrong = _wrong_answers(topic)
    half = {q.id: (right if index % 2 else wrong)[q.id] for index, q in enumerate(topic.questions)}
    assert len(topic.questions) % 2 == 0  # so half right is 50%
    for learner_id, answers in [("zero", wrong), ("half", half), ("passed", right), ("reading", None)]:
        add_learner(learner_id)
        who = Learner(id=learner_id, username=learner_id)
        if answers is None:
            progress.view_section(COURSE, who, topic, topic.section_ids()[0])
        else:
            progress.submit_check(COURSE, who, topic, answers, 80)
    add_learner("done", done=(topic.id,))
    add_learner("never", last_activity=False)
    add_learner("visited")
    progress.record_visit(COURSE, Learner(id="visited", username="visited"), topic)  # opening starts nothing
    cells = {row.learner_id: row.cells[0] for row in query.grid_page(COURSE, GridParams(), sched).rows}
    found = {learner_id: (cell.status, cell.failing, cell.label) for learner_id, cell in cells.items()}
    assert found == {
        "zero": ("in_progress", True, "In progress, check not passed (best 0%)"),
        "half": ("in_progress", True, "In progress, check not passed (best 50%)"),
        "passed": ("in_progress", False, "In progress"),
        "reading": ("in_progress", False, "In progress"),
        "done": ("complete", False, "Complete"),
        "never": ("not_started", False, "Not started"),
        "visited": ("not_started", False, "Not started"),
    }
    assert (cells["passed"].passed, cells["zero"].passed, cells["done"].passed) == (True, False, True)
