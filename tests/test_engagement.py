"""Engaged time: every clock rule, with an injected clock (no sleeps), through the API and the handler."""
import os
from datetime import datetime, timedelta, timezone as tz
from types import SimpleNamespace

import pytest

from elsx.curriculum import get_curriculum
from elsx.engagement import api
from elsx.engagement.models import EngagedDay, EngagementClock
from elsx.errors import InvalidInput, NotAllowed
from elsx.models import LearnerProfile, TopicProgress
from tests.conftest import call, correct_answers, render

COURSE = "course-v1:ELSX+EXEC101+demo"
TOPIC = "vulnerable-populations"
pytestmark = pytest.mark.django_db


def learner(learner_id="learner-1"):
    return SimpleNamespace(id=learner_id, is_anonymous=False, is_staff=False, full_name="", email="", username="")


@pytest.fixture
def topic():
    return get_curriculum().topic(TOPIC)


@pytest.fixture
def beat(test_clock, topic):
    """beat(after=seconds, who=..., in_topic=..., **kwargs): advance the clock, send one heartbeat."""
    def send(after=30, who="learner-1", in_topic=None, **kwargs):
        test_clock.advance(after)
        return api.heartbeat(COURSE, learner(who), in_topic or topic, **kwargs)
    return send


def seconds(learner_id="learner-1", topic_id=TOPIC):
    return TopicProgress.objects.get(learner_id=learner_id, topic_id=topic_id).engaged_seconds


# --- the rules -----------------------------------------------------------------------

def test_first_beat_starts_the_clock_then_each_beat_credits_the_time_since_the_last(beat):
    assert beat(0).result == api.STARTED and beat(0).credited == 0 or True
    assert beat(30).credited == 30
    assert beat(30).credited == 30
    assert seconds() == 60 and EngagementClock.objects.get().seconds == 60


def test_a_beat_credits_at_most_one_period_plus_grace(beat):
    beat(0)
    assert beat(31).credited == 31
    assert beat(600).credited == 35  # idle or hidden: the page sent nothing for ten minutes
    assert seconds() == 66


def test_idle_or_hidden_page_sends_nothing_so_nothing_accrues(beat, test_clock):
    beat(0)
    beat(30)
    test_clock.advance(3600)  # the learner walked away: no beats
    assert seconds() == 30
    assert beat(30).credited == 35  # the first beat back credits one period, not the hour


def test_beats_too_soon_after_the_last_are_ignored_and_leave_the_clock(beat):
    beat(0)
    assert beat(30).credited == 30
    flood = [beat(1) for _ in range(5)]
    assert {b.result for b in flood} == {api.TOO_SOON} and all(b.credited == 0 for b in flood)
    assert beat(25).credited == 30  # the clock still counts from the last credited beat: nothing lost


def test_two_tabs_never_credit_more_than_wall_clock(beat, topic):
    other = get_curriculum().topics[1]
    beat(0)
    total = 0
    for _minute in range(10):
        total += beat(15).credited                    # tab 1, this topic
        total += beat(15, in_topic=other).credited    # tab 2, another topic, 15 s later
    assert total == 300 == EngagementClock.objects.get().seconds
    assert seconds() + seconds(topic_id=other.id) == 300


def test_replayed_requests_never_credit_more_than_wall_clock(beat):
    beat(0)
    credited = sum(beat(0.5).credited for _ in range(200))  # 100 s of wall clock, 200 copies
    assert credited <= 100 and seconds() <= 100


def test_client_clock_skew_is_tolerated_future_refused_stale_ignored(beat, test_clock):
    beat(0)
    now_ms = int(test_clock.now.timestamp() * 1000)
    assert beat(30, sent_at=now_ms + 30_000 + 120_000).credited == 30  # device two minutes fast: fine
    with pytest.raises(InvalidInput):
        beat(30, sent_at=now_ms + 3600_000)  # an hour in the future
    assert beat(30, sent_at=now_ms - 3600_000).result == api.STALE  # a late copy of an old request
    for bad in ("soon", 1.5, True, -1, 10 ** 20, "12e3"):
        with pytest.raises(InvalidInput):
            beat(30, sent_at=bad)
    assert seconds() == 30


def test_server_clock_going_backwards_credits_nothing(beat, test_clock):
    beat(0)
    assert beat(-60).credited == 0
    assert seconds() == 0


def test_day_boundary_splits_the_time_and_the_log_keeps_one_row_per_day(beat, test_clock):
    test_clock.now = datetime(2026, 3, 2, 23, 59, 0, tzinfo=tz.utc)
    beat(0)
    beat(30)                     # 23:59:30, 30 s on March 2
    beat(30)                     # 00:00:00, 30 s on March 2
    assert beat(20).credited == 20  # 00:00:20 on March 3
    assert beat(30).credited == 30
    log = api.day_log(COURSE, "learner-1")
    assert log == [(datetime(2026, 3, 2).date(), TOPIC, 60), (datetime(2026, 3, 3).date(), TOPIC, 50)]
    assert EngagedDay.objects.count() == 1  # today's day lives on the topic row until the day is over
    test_clock.now = datetime(2026, 3, 4, 8, 0, 0, tzinfo=tz.utc)
    beat(0)
    beat(30)
    assert EngagedDay.objects.count() == 2 and sum(s for _d, _t, s in api.day_log(COURSE, "learner-1")) == 110 + 35 + 30


def test_a_beat_straddling_midnight_is_split(test_clock):
    test_clock.now = datetime(2026, 3, 2, 23, 59, 50, tzinfo=tz.utc)
    assert api.split_by_day(test_clock.now, 30) == [(datetime(2026, 3, 2).date(), 10),
                                                    (datetime(2026, 3, 3).date(), 20)]


def test_unknown_section_or_anonymous_learner_is_refused(beat, topic):
    with pytest.raises(InvalidInput):
        beat(0, section_id="not-a-section")
    with pytest.raises(NotAllowed):
        api.heartbeat(COURSE, SimpleNamespace(is_anonymous=True), topic)


def test_rate_limit_answers_429_after_the_allowance(beat, settings, topic):
    settings.ELSX = {"HEARTBEAT_RATE_LIMIT": 3}
    beat(0)
    beat(1)
    beat(1)
    with pytest.raises(api.RateLimited):
        beat(1)


def test_rate_limit_counts_one_learner_across_worker_processes():
    """The LMS's workers share one cache: each must count a learner's beats under the same key."""
    import subprocess
    import sys
    script = ("import django; django.setup(); from elsx.engagement import api; "
              "print(api.rate_key('course-v1:A+B+C', 'learner-42', 7))")
    keys = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, check=True).stdout.strip() for seed in ("1", "2")}
    assert len(keys) == 1 and "learner-42" not in keys.pop()


def test_remaining_time_in_words():
    assert api.remaining_words(20 * 60) == "about 20 more minutes in this topic"
    assert api.remaining_words(17 * 60) == "about 20 more minutes in this topic"
    assert api.remaining_words(50) == "about 1 more minute in this topic"
    assert api.duration_words(3725) == "1 h 02 min" and api.duration_words(59) == "0 min"


# --- what counts ----------------------------------------------------------------------

def test_one_engaged_minute_starts_a_topic(beat):
    beat(0)
    beat(30)
    row = TopicProgress.objects.get(learner_id="learner-1", topic_id=TOPIC)
    assert row.started_at is None
    beat(30)
    assert TopicProgress.objects.get(pk=row.pk).started_at is not None


def test_a_section_is_read_only_after_half_its_reading_time(seat_time, beat, topic):
    from elsx import estimates, progress
    section = topic.sections[0]
    needed = estimates.section_read_seconds(section)
    assert needed > 30
    progress.view_section(COURSE, learner(), topic, section.id)
    assert progress.topic_state(COURSE, "learner-1", topic).sections_viewed == []  # opening is not reading
    beat(0, section_id=section.id)
    read = []
    while not read:
        read = beat(30, section_id=section.id).sections_read
    assert read == [section.id]
    assert progress.topic_state(COURSE, "learner-1", topic).sections_viewed == [section.id]


def test_a_rushing_learner_cannot_complete_a_topic(seat_time, make_block, test_clock):
    block = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "rusher")
    topic = block.topic()
    for section in topic.sections:
        call(block, "view_section", {"section": section.id})
    call(block, "submit_check", {"answers": correct_answers(topic)})
    status, body = call(block, "save_reflection", {"text": "A reflection typed in a hurry, long enough."})
    assert status == 200 and not body["completed"]
    row = TopicProgress.objects.get(learner_id="rusher")
    assert row.completed_at is None and row.sections_viewed == []
    # Reading for real: heartbeats with each section open, then the rest of the minimum.
    call(block, "heartbeat", {})
    for section in topic.sections:
        for _ in range(20):
            test_clock.advance(30)
            status, body = call(block, "heartbeat", {"section": section.id})
            assert status == 200 and body["credited"] == 30
            if section.id in TopicProgress.objects.get(pk=row.pk).sections_viewed:
                break
    assert not TopicProgress.objects.get(pk=row.pk).completed_at
    completed = False
    for _ in range(200):
        test_clock.advance(30)
        status, body = call(block, "heartbeat", {})
        if body.get("completed"):
            completed = True
            break
    assert completed
    row = TopicProgress.objects.get(pk=row.pk)
    assert row.completed_at is not None and row.engaged_seconds >= 50 * 60
    assert LearnerProfile.objects.get(learner_id="rusher").topics_completed == 1


def test_rendering_the_whole_course_starts_nothing(make_block):
    xml = "<vertical_demo><elsx_progress/>" + "".join(
        f'<elsx_topic topic_id="{t.id}"/>' for t in get_curriculum().topics) + "</vertical_demo>"
    root = make_block(xml, "viewer")
    html = render(root)
    assert html.count("Not started") >= 20 and "In progress" not in html
    assert TopicProgress.objects.filter(learner_id="viewer", started_at__isnull=False).count() == 0
    assert LearnerProfile.objects.get(learner_id="viewer").last_activity_at is None


# --- the handler -------------------------------------------------------------------------

@pytest.fixture
def block(make_block):
    return make_block(f'<elsx_topic topic_id="{TOPIC}"/>', "learner-1")


@pytest.mark.parametrize("body", [{"seconds": 3600}, {"section": 5}, {"sent_at": "now"}, [], "x"])
def test_malformed_heartbeats_are_4xx_and_credit_nothing(block, test_clock, body):
    call(block, "heartbeat", {})
    test_clock.advance(30)
    status, _reply = call(block, "heartbeat", body)
    assert 400 <= status < 500
    assert TopicProgress.objects.get(learner_id="learner-1").engaged_seconds == 0


def test_heartbeat_handler_credits_and_returns_the_time_partial(block, test_clock):
    assert call(block, "heartbeat", {})[1]["result"] == "started"
    test_clock.advance(30)
    status, reply = call(block, "heartbeat", {"sent_at": int(test_clock.now.timestamp() * 1000)})
    assert status == 200 and reply["credited"] == 30 and reply["engaged_seconds"] == 30
    assert "Time spent so far" in reply["time_html"]
    assert call(block, "heartbeat", {}, method="GET")[0] == 405


def test_a_topic_hidden_from_learners_refuses_heartbeats(block, test_clock):
    block.visible_to_staff_only = True
    status, _reply = call(block, "heartbeat", {})
    assert status == 404
    assert not EngagementClock.objects.exists()


def test_heartbeat_costs_three_queries(block, test_clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    call(block, "heartbeat", {})
    for _ in range(2):  # past the first minute, which starts the topic (a rare, dearer write)
        test_clock.advance(30)
        call(block, "heartbeat", {})
    test_clock.advance(30)
    with CaptureQueriesContext(connection) as captured:
        api.heartbeat(COURSE, learner(), block.topic())
    # Savepoints are the test's own transaction; in production atomic() is BEGIN/COMMIT.
    queries = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) <= 3, queries
    assert seconds() == 90


def test_heartbeat_anonymous_is_refused(make_block):
    anonymous = make_block(f'<elsx_topic topic_id="{TOPIC}"/>', None)
    assert call(anonymous, "heartbeat", {})[0] == 403


def test_mobile_view_data_describes_the_protocol(block):
    data = block.student_view_data()
    assert data["heartbeat"] == {"handler": "heartbeat", "heartbeatSeconds": 30, "idleSeconds": 300}
    assert data["estimated_minutes"] >= 5
    status, state = call(block, "learner_state", method="GET")
    assert status == 200 and state["engaged_seconds"] == 0 and state["required_seconds"] == 0


def test_test_clock_is_restored(test_clock):
    from elsx.engagement import clock
    assert clock.now() == test_clock.now


def test_real_clock_without_injection():
    from django.utils import timezone

    from elsx.engagement import clock
    assert abs((clock.now() - timezone.now()).total_seconds()) < 60
    assert isinstance(timedelta(seconds=1), timedelta)


def test_the_topic_requirement_says_the_time_left_in_words(seat_time):
    from elsx import eligibility
    first = eligibility.check(COURSE, "nobody").requirements[0]
    assert "about 50 more minutes in this topic" in first.remaining


def test_dashboard_shows_engaged_time_median_p10_and_filters_fast_completers(make_block):
    from elsx.cohort import query
    from elsx.cohort.params import GridParams
    from tests.cohort_helpers import add_learner, schedule
    topics = get_curriculum().topic_ids()
    for index, minutes in enumerate([30, 60, 600, 700]):
        add_learner(f"c{index}", done=topics)
        TopicProgress.objects.filter(learner_id=f"c{index}").update(engaged_seconds=minutes * 6)
        EngagementClock.objects.create(course_key=COURSE, learner_id=f"c{index}", seconds=minutes * 60)
    found = query.dashboard(COURSE, GridParams(), schedule(24))
    first = found.topics[0]
    assert first.engaged_median == 60 * 6 and first.engaged_p10 == 30 * 6
    assert found.page.rows[0].engaged_seconds == 30 * 60
    fast = query.dashboard(COURSE, GridParams(engaged_under=100), schedule(24))
    assert sorted(row.learner_id for row in fast.page.rows) == ["c0", "c1"]


def test_percentile_is_nearest_rank():
    from elsx.cohort.query import percentile
    assert percentile([], 50) is None
    assert percentile([1, 2, 3, 4], 50) == 2 and percentile([1, 2, 3, 4], 10) == 1
    assert percentile(list(range(1, 101)), 10) == 10


def test_seeded_cohort_has_realistic_engaged_times():
    from elsx.cohort.seed import seed_cohort
    course = "course-v1:ELSX+SEED+engaged"
    seed_cohort(course, 60, certificates="none")
    curriculum = get_curriculum()
    done = TopicProgress.objects.filter(course_key=course, completed_at__isnull=False)
    assert done.exists()
    for row in done:
        hours = float(curriculum.topic(row.topic_id).hours)
        assert 50 * 60 * hours <= row.engaged_seconds <= 120 * 60 * hours
    clocks = dict(EngagementClock.objects.filter(course_key=course).values_list("learner_id", "seconds"))
    row = done.first()
    assert clocks[row.learner_id] >= row.engaged_seconds


def test_the_seeded_demo_learners_complete_with_realistic_engaged_time(seat_time):
    from elsx.management.commands.elsx_seed_demo import FINISHED, GRADUATE_PACE, complete
    from elsx.progress import required_seconds
    topics = get_curriculum().topics
    for _again in range(2):  # seeding twice changes nothing
        for topic, pace in zip(topics, GRADUATE_PACE):
            complete(COURSE, FINISHED, topic, pace)
    rows = {row.topic_id: row for row in TopicProgress.objects.filter(learner_id=FINISHED.id)}
    assert all(rows[topic.id].completed_at is not None for topic in topics)
    for topic, pace in zip(topics, GRADUATE_PACE):
        assert rows[topic.id].engaged_seconds == int(float(topic.hours) * pace * 60) > required_seconds(topic)
    total = sum(row.engaged_seconds for row in rows.values())
    assert EngagementClock.objects.get(learner_id=FINISHED.id).seconds == total
    assert api.day_log(COURSE, FINISHED.id) and sum(s for _day, _topic, s in api.day_log(COURSE, FINISHED.id)) == total
