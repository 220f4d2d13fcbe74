"""elsx.progress through its public functions, with a fake clock: boundaries and state changes."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest

from elsx import progress
from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput, NotAllowed
from elsx.learners import Learner
from elsx.models import LearnerProfile, TopicProgress
from tests.clock import fake_clock
from tests.progress_helpers import REFLECTION, complete_topic, correct_answers

pytestmark = pytest.mark.django_db
COURSE = "course-v1:ELSX+EXEC101+demo"
T0 = datetime(2026, 11, 2, 15, 0, tzinfo=dt_timezone.utc)
WHO = Learner(id="p1", full_name="Pat One", email="p1@example.org", username="p1")


@pytest.fixture
def topic():
    return get_curriculum().topic("vulnerable-populations")


@pytest.fixture
def clock():
    with fake_clock(T0) as fake:
        yield fake


def answers_with(topic, wrong):
    """Correct answers except for the first `wrong` questions."""
    answers = correct_answers(topic)
    for question in topic.questions[:wrong]:
        answers[question.id] = next(o.id for o in question.options if not o.correct)
    return answers


def test_six_questions_grade_to_known_scores(topic):
    assert len(topic.questions) == 6
    scores = [progress.grade(topic, answers_with(topic, wrong))[:2] for wrong in range(7)]
    assert scores == [(100, 6), (83, 5), (67, 4), (50, 3), (33, 2), (17, 1), (0, 0)]
    _score, _correct, feedback = progress.grade(topic, answers_with(topic, 1))
    first = topic.questions[0]
    assert feedback[first.id] == {"correct": False, "explanation": first.explanation}
    assert all(feedback[q.id]["correct"] for q in topic.questions[1:])


def test_a_score_exactly_at_the_pass_mark_passes(topic, clock):
    result = progress.submit_check(COURSE, WHO, topic, answers_with(topic, 1), pass_mark=83)
    assert (result.score, result.passed, result.pass_mark, result.correct, result.total) == (83, True, 83, 5, 6)
    assert result.state.passed and TopicProgress.objects.get(learner_id="p1").check_passed_at is not None


def test_one_point_below_the_pass_mark_fails(topic, clock):
    result = progress.submit_check(COURSE, WHO, topic, answers_with(topic, 1), pass_mark=84)
    assert (result.score, result.passed) == (83, False) and not result.state.passed
    assert TopicProgress.objects.get(learner_id="p1").check_passed_at is None


def test_attempts_best_and_last_scores(topic, clock):
    first = progress.submit_check(COURSE, WHO, topic, correct_answers(topic), 80)
    passed_at = TopicProgress.objects.get(learner_id="p1").check_passed_at
    again = progress.submit_check(COURSE, WHO, topic, correct_answers(topic), 80)
    assert (first.attempts, first.duplicate, again.attempts, again.duplicate) == (1, False, 1, True)
    worse = progress.submit_check(COURSE, WHO, topic, answers_with(topic, 6), 80)
    row = TopicProgress.objects.get(learner_id="p1")
    assert (worse.attempts, worse.best_score, worse.duplicate, row.last_score, row.best_score) == (2, 100, False, 0, 100)
    assert row.last_answers == answers_with(topic, 6)
    assert row.check_passed_at == passed_at and worse.state.passed  # a later fail doesn't unpass


def test_a_first_failing_attempt_then_a_pass(topic, clock):
    progress.submit_check(COURSE, WHO, topic, answers_with(topic, 6), 80)
    row = TopicProgress.objects.get(learner_id="p1")
    assert (row.attempts, row.best_score, row.last_score, row.check_passed_at) == (1, 0, 0, None)
    result = progress.submit_check(COURSE, WHO, topic, correct_answers(topic), 80)
    assert result.best_score == 100 and result.attempts == 2 and result.state.passed


def test_completion_needs_all_three_and_happens_once(topic, clock):
    for section_id in topic.section_ids()[:-1]:
        state, newly = progress.view_section(COURSE, WHO, topic, section_id)
        assert not newly and not state.all_sections_viewed
    assert TopicProgress.objects.get(learner_id="p1").sections_viewed_at is None
    progress.submit_check(COURSE, WHO, topic, correct_answers(topic), 80)
    state, newly = progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    assert not newly and state.status == progress.STATUS_IN_PROGRESS and state.completed_at is None
    state, newly = progress.view_section(COURSE, WHO, topic, topic.section_ids()[-1])
    assert newly and state.completed and state.status == progress.STATUS_COMPLETE and state.all_sections_viewed
    row = TopicProgress.objects.get(learner_id="p1")
    assert row.sections_viewed_at == row.completed_at
    state, newly = progress.view_section(COURSE, WHO, topic, topic.section_ids()[0])
    assert not newly and state.completed_at == row.completed_at
    profile = LearnerProfile.objects.get(learner_id="p1")
    assert (profile.topics_completed, profile.hours_earned) == (1, topic.hours)


def test_viewing_a_section_twice_records_it_once(topic, clock):
    section = topic.section_ids()[0]
    progress.view_section(COURSE, WHO, topic, section)
    state, _newly = progress.view_section(COURSE, WHO, topic, section)
    assert state.sections_viewed == [section] and TopicProgress.objects.get(learner_id="p1").sections_viewed == [section]


@pytest.mark.parametrize("section", ["nope", None, 3, ["a"]])
def test_unknown_sections_are_refused(topic, section):
    with pytest.raises(InvalidInput) as caught:
        progress.view_section(COURSE, WHO, topic, section)
    assert caught.value.field == "section" and not TopicProgress.objects.exists()


def test_nine_of_ten_topics_is_not_a_complete_course(clock):
    topics = get_curriculum().topics
    for topic in topics[:-1]:
        complete_topic(COURSE, WHO, topic)
    profile = LearnerProfile.objects.get(learner_id="p1")
    assert profile.topics_completed == 9 and profile.completed_at is None
    assert profile.hours_earned == sum((t.hours for t in topics[:-1]), Decimal("0"))
    assert not progress.course_progress(COURSE, "p1").complete
    complete_topic(COURSE, WHO, topics[-1])
    profile.refresh_from_db()
    last = TopicProgress.objects.get(learner_id="p1", topic_id=topics[-1].id)
    assert profile.topics_completed == 10 and profile.completed_at == last.completed_at
    assert profile.hours_earned == get_curriculum().hours
    course = progress.course_progress(COURSE, "p1")
    assert course.complete and course.next_topic is None and course.remaining == []


def test_refresh_summary_drops_completion_when_a_topic_is_no_longer_complete(clock):
    for topic in get_curriculum().topics:
        complete_topic(COURSE, WHO, topic)
    TopicProgress.objects.filter(learner_id="p1", topic_id="vulnerable-populations").update(completed_at=None)
    profile = LearnerProfile.objects.get(learner_id="p1")
    progress.refresh_summary(profile)
    assert profile.topics_completed == 9 and profile.completed_at is None


def test_refresh_summary_ignores_rows_of_topics_no_longer_in_the_curriculum(clock):
    complete_topic(COURSE, WHO, get_curriculum().topics[0])
    TopicProgress.objects.create(course_key=COURSE, learner_id="p1", topic_id="retired-topic", completed_at=T0)
    profile = LearnerProfile.objects.get(learner_id="p1")
    progress.refresh_summary(profile)
    assert profile.topics_completed == 1


def test_course_progress_counts_hours_and_the_next_topic(clock):
    topics = get_curriculum().topics
    complete_topic(COURSE, WHO, topics[1])
    course = progress.course_progress(COURSE, "p1")
    assert (course.topics_completed, course.topics_total, course.hours_earned) == (1, 10, topics[1].hours)
    assert course.next_topic == topics[0] and [t.id for t, _s in course.remaining][:2] == [topics[0].id, topics[2].id]
    assert course.hours_total == get_curriculum().hours and not course.complete


def test_a_reflection_saved_again_unchanged_keeps_its_time(topic, clock):
    first, _ = progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    again, _ = progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    assert again.reflection_saved_at == first.reflection_saved_at
    changed, _ = progress.save_reflection(COURSE, WHO, topic, REFLECTION + " Also training.")
    assert changed.reflection_saved_at > first.reflection_saved_at
    assert changed.reflection == REFLECTION + " Also training."


def test_a_visit_records_the_first_view_once_and_is_no_activity(topic, clock):
    state = progress.record_visit(COURSE, WHO, topic)
    first_seen = TopicProgress.objects.get(learner_id="p1").first_viewed_at
    profile = LearnerProfile.objects.get(learner_id="p1")
    assert first_seen is not None and state.first_viewed_at == first_seen
    assert (profile.first_activity_at, profile.last_activity_at) == (None, None)
    clock.set(first_seen + timedelta(minutes=6))
    again = progress.record_visit(COURSE, WHO, topic)
    profile.refresh_from_db()
    assert again.first_viewed_at == first_seen == TopicProgress.objects.get(learner_id="p1").first_viewed_at
    assert profile.last_activity_at is None


def test_a_new_topic_state_is_not_started(topic):
    state = progress.topic_state(COURSE, "p1", topic)
    assert state.status == progress.STATUS_NOT_STARTED and state.attempts == 0 and not state.completed


def test_the_profile_follows_the_runtimes_name_and_email_unless_retired(topic):
    progress.ensure_profile(COURSE, WHO)
    renamed = Learner(id="p1", full_name="Pat Renamed", email="new@example.org", username="p1")
    assert progress.ensure_profile(COURSE, renamed).full_name == "Pat Renamed"
    assert LearnerProfile.objects.get(learner_id="p1").email == "new@example.org"
    LearnerProfile.objects.filter(learner_id="p1").update(retired_at=T0, full_name="", email="", username="")
    profile = progress.ensure_profile(COURSE, WHO)
    stored = LearnerProfile.objects.get(learner_id="p1")
    assert (stored.full_name, stored.email, stored.username) == ("", "", "")
    assert profile.full_name == ""


def test_empty_runtime_fields_never_blank_a_profile():
    progress.ensure_profile(COURSE, WHO)
    progress.ensure_profile(COURSE, Learner(id="p1", full_name="", email="", username=""))
    stored = LearnerProfile.objects.get(learner_id="p1")
    assert (stored.full_name, stored.email) == ("Pat One", "p1@example.org")


@pytest.mark.parametrize("who", [None, Learner(id="", is_authenticated=False)])
def test_anonymous_learners_are_refused(topic, who):
    with pytest.raises(NotAllowed):
        progress.submit_check(COURSE, who, topic, correct_answers(topic), 80)
    assert not TopicProgress.objects.exists()


@pytest.mark.parametrize("answers, field_message", [
    ([], "Answers must be an object"), ({"zz": "a"}, "Unknown question id(s): zz."),
])
def test_malformed_answers_are_refused(topic, answers, field_message):
    with pytest.raises(InvalidInput) as caught:
        progress.validate_answers(topic, answers)
    assert caught.value.field == "answers" and field_message in str(caught.value)


def test_unanswered_questions_are_named(topic):
    answers = correct_answers(topic)
    first = topic.questions[0].id
    answers[first] = ""
    with pytest.raises(InvalidInput) as caught:
        progress.validate_answers(topic, answers)
    assert caught.value.extra["unanswered"] == [first] and "Question 1 " in str(caught.value)


def test_an_unknown_option_is_refused(topic):
    answers = correct_answers(topic)
    answers[topic.questions[0].id] = "no-such-option"
    with pytest.raises(InvalidInput, match="no-such-option"):
        progress.validate_answers(topic, answers)


def test_last_feedback_replays_the_last_attempt(topic, clock):
    assert progress.last_feedback(topic, progress.topic_state(COURSE, "p1", topic)) is None
    progress.submit_check(COURSE, WHO, topic, answers_with(topic, 1), 80)
    score, correct, _feedback = progress.last_feedback(topic, progress.topic_state(COURSE, "p1", topic))
    assert (score, correct) == (83, 5)
    TopicProgress.objects.filter(learner_id="p1").update(last_answers={"gone": "x"})
    assert progress.last_feedback(topic, progress.topic_state(COURSE, "p1", topic)) is None


def test_a_deadlocked_first_insert_is_tried_again(topic, monkeypatch):
    """MariaDB answers a duplicate-key race with error 1213 (deadlock) as well as with IntegrityError: the
    loser retries, outside any transaction, and gets the row (found by 20 threads on one topic)."""
    from django.db import OperationalError
    real = TopicProgress.objects.get_or_create
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")
        return real(**kwargs)
    monkeypatch.setattr(TopicProgress.objects, "get_or_create", flaky)
    monkeypatch.setattr(progress, "_in_transaction", lambda: False)  # as in a request: autocommit
    progress._ensure_row(COURSE, "p1", topic.id)  # pylint: disable=protected-access
    assert len(calls) == 2 and TopicProgress.objects.filter(learner_id="p1", topic_id=topic.id).count() == 1


def test_other_database_errors_are_not_retried(topic, monkeypatch):
    from django.db import OperationalError
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise OperationalError(2006, "MySQL server has gone away")
    monkeypatch.setattr(TopicProgress.objects, "get_or_create", broken)
    with pytest.raises(OperationalError):
        progress._ensure_row(COURSE, "p1", topic.id)  # pylint: disable=protected-access
    assert len(calls) == 1


@pytest.mark.parametrize("fields, status", [
    ({}, progress.STATUS_NOT_STARTED), ({"first_viewed_at": T0}, progress.STATUS_NOT_STARTED),
    ({"started_at": T0}, progress.STATUS_IN_PROGRESS), ({"attempts": 1}, progress.STATUS_IN_PROGRESS),
    ({"reflection": "Words"}, progress.STATUS_IN_PROGRESS), ({"sections_viewed": ["s1"]}, progress.STATUS_IN_PROGRESS),
    ({"completed_at": T0}, progress.STATUS_COMPLETE),
])
def test_each_action_alone_makes_a_topic_in_progress(fields, status):
    assert progress.TopicState(topic_id="t", **fields).status == status


@pytest.mark.parametrize("engaged, required, enough, remaining", [
    (0, 0, True, 0), (59, 60, False, 1), (60, 60, True, 0), (61, 60, True, 0),
])
def test_engaged_enough_at_exactly_the_minimum(engaged, required, enough, remaining):
    state = progress.TopicState(topic_id="t", engaged_seconds=engaged, required_seconds=required)
    assert (state.engaged_enough, state.remaining_seconds) == (enough, remaining)


def test_a_new_state_needs_no_time_unless_told():
    state = progress.TopicState(topic_id="t")
    assert (state.required_seconds, state.engaged_enough, state.remaining_seconds) == (0, True, 0)


@pytest.mark.parametrize("per_hour, hours, seconds", [
    (50, "1.0", 3000), (50, "1.5", 4500), (Decimal("0.51"), "1.0", 31), ("0.5", "2", 60), (0, "1.0", 0),
    (None, "1.0", 0), (-5, "1.0", 0), (0.001, "1.0", 1),  # ceil: any minimum is at least a second
])
def test_required_seconds_are_minutes_per_credit_hour_rounded_up(settings, per_hour, hours, seconds):
    settings.ELSX = dict(getattr(settings, "ELSX", {}), MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR=per_hour)

    class Topic:
        pass
    topic = Topic()
    topic.hours = Decimal(hours)
    assert progress.required_seconds(topic) == seconds


def _words(length):
    """A reflection of exactly length characters, in words."""
    text = ("We will review our intake policy with every shift supervisor this quarter. " * 80)[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


@pytest.mark.parametrize("length, accepted", [(19, False), (20, True), (5000, True), (5001, False)])
def test_a_reflection_is_20_to_5000_characters(topic, clock, length, accepted, monkeypatch):
    monkeypatch.setattr(progress.reflection, "check", lambda topic_id, text: None)  # word counts: test_reflection
    if accepted:
        state, _newly = progress.save_reflection(COURSE, WHO, topic, _words(length))
        assert len(state.reflection) == length
    else:
        with pytest.raises(InvalidInput) as caught:
            progress.save_reflection(COURSE, WHO, topic, _words(length))
        assert caught.value.field == "reflection" and not TopicProgress.objects.exists()


def test_runtime_fields_are_cut_to_the_column_sizes():
    long = Learner(id="p1", full_name="N" * 300, email="e" * 300, username="u" * 300)
    profile = progress.ensure_profile(COURSE, long)
    stored = LearnerProfile.objects.get(learner_id="p1")
    assert (len(stored.full_name), len(stored.email), len(stored.username)) == (255, 254, 150)
    assert (profile.full_name, profile.email, profile.username) == (stored.full_name, stored.email, stored.username)
    # The same long values again are no change (compared cut, not whole).
    progress.ensure_profile(COURSE, long)
    assert LearnerProfile.objects.get(learner_id="p1").full_name == "N" * 255


@pytest.mark.parametrize("who", [None, Learner(id="", is_authenticated=False)])
def test_an_anonymous_profile_is_refused(who):
    with pytest.raises(NotAllowed):
        progress.ensure_profile(COURSE, who)
    assert not LearnerProfile.objects.exists()


def test_an_anonymous_visit_is_refused_and_stores_nothing(topic):
    with pytest.raises(NotAllowed):
        progress.record_visit(COURSE, Learner(id="", is_authenticated=False), topic)
    assert not LearnerProfile.objects.exists() and not TopicProgress.objects.exists()


def test_a_profile_created_by_a_racing_request_is_read_and_updated(monkeypatch):
    """The loser of the insert race (IntegrityError) reads the winner's row; stale runtime fields still follow."""
    from django.db import IntegrityError
    LearnerProfile.objects.create(course_key=COURSE, learner_id="p1", full_name="Old Name", email="p1@example.org",
                                  username="p1")

    def lost(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")
    monkeypatch.setattr(LearnerProfile.objects, "get_or_create", lost)
    profile = progress.ensure_profile(COURSE, WHO)
    assert profile.full_name == "Pat One" and LearnerProfile.objects.get(learner_id="p1").full_name == "Pat One"


def _deadlocking(monkeypatch, error):
    calls = []

    def fail(**kwargs):
        calls.append(kwargs)
        raise error
    monkeypatch.setattr(TopicProgress.objects, "get_or_create", fail)
    return calls


def test_a_deadlock_is_tried_three_times_then_raised(topic, monkeypatch):
    from django.db import OperationalError
    calls = _deadlocking(monkeypatch, OperationalError(1213, "Deadlock found"))
    monkeypatch.setattr(progress, "_in_transaction", lambda: False)
    with pytest.raises(OperationalError):
        progress._ensure_row(COURSE, "p1", topic.id)  # pylint: disable=protected-access
    assert len(calls) == 3


@pytest.mark.parametrize("args", [(2006, "MySQL server has gone away"), ()])
def test_other_operational_errors_are_raised_at_once_outside_a_transaction(topic, monkeypatch, args):
    from django.db import OperationalError
    calls = _deadlocking(monkeypatch, OperationalError(*args))
    monkeypatch.setattr(progress, "_in_transaction", lambda: False)
    with pytest.raises(OperationalError):
        progress._ensure_row(COURSE, "p1", topic.id)  # pylint: disable=protected-access
    assert len(calls) == 1


def test_a_deadlock_inside_a_transaction_is_not_retried(topic, monkeypatch):
    """Inside a transaction the deadlock rolled back more than our insert: only the caller can retry."""
    from django.db import OperationalError, transaction
    calls = _deadlocking(monkeypatch, OperationalError(1213, "Deadlock found"))
    with transaction.atomic():
        assert progress._in_transaction() is True  # pylint: disable=protected-access
        with pytest.raises(OperationalError):
            progress._ensure_row(COURSE, "p1", topic.id)  # pylint: disable=protected-access
    assert len(calls) == 1


def test_every_write_locks_the_profile_then_the_topic_row(topic, clock, lock_spy):
    """The documented lock order (profile, then topic): concurrent requests for one learner serialize on it.
    SQLite has no row locks, so this records the locking calls; tests/test_progress_concurrency.py runs the
    real thing on MariaDB."""
    progress.submit_check(COURSE, WHO, topic, correct_answers(topic), 80)
    assert lock_spy == ["LearnerProfile", "TopicProgress"]
    lock_spy.clear()
    progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    assert lock_spy == ["LearnerProfile", "TopicProgress"]


def test_engaged_time_below_the_threshold_starts_nothing(topic, clock, settings):
    settings.ELSX = dict(getattr(settings, "ELSX", {}), IN_PROGRESS_ENGAGED_SECONDS=30)
    progress.record_visit(COURSE, WHO, topic)
    TopicProgress.objects.filter(learner_id="p1").update(engaged_seconds=29)
    assert progress.engagement_changed(COURSE, WHO, topic) is False
    row = TopicProgress.objects.get(learner_id="p1")
    assert row.started_at is None and progress.topic_state(COURSE, "p1", topic).status == progress.STATUS_NOT_STARTED
    TopicProgress.objects.filter(learner_id="p1").update(engaged_seconds=30)
    progress.engagement_changed(COURSE, WHO, topic)
    assert progress.topic_state(COURSE, "p1", topic).status == progress.STATUS_IN_PROGRESS


def test_an_action_is_activity_on_the_profile(topic, clock):
    progress.submit_check(COURSE, WHO, topic, answers_with(topic, 6), 80)
    first = TopicProgress.objects.get(learner_id="p1").started_at
    profile = LearnerProfile.objects.get(learner_id="p1")
    assert first is not None and profile.first_activity_at == profile.last_activity_at == first
    clock.set(first + timedelta(hours=2))
    progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    profile.refresh_from_db()
    assert profile.first_activity_at == first and profile.last_activity_at == first + timedelta(hours=2)


def test_a_completed_topic_is_never_newly_completed_again(topic, clock):
    complete_topic(COURSE, WHO, topic)
    state, newly = progress.view_section(COURSE, WHO, topic, topic.section_ids()[0])
    assert newly is False and state.completed
    assert progress.engagement_changed(COURSE, WHO, topic) is False


@pytest.fixture
def lock_spy(monkeypatch):
    """The models whose rows are locked (select_for_update), in order."""
    from django.db.models import QuerySet
    locked, real = [], QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model.__name__)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    return locked


def test_a_second_visit_neither_writes_nor_locks(topic, clock, lock_spy):
    progress.record_visit(COURSE, WHO, topic)
    assert lock_spy == ["LearnerProfile", "TopicProgress"]
    lock_spy.clear()
    seen = TopicProgress.objects.get(learner_id="p1").updated_at
    progress.record_visit(COURSE, WHO, topic)
    assert lock_spy == [] and TopicProgress.objects.get(learner_id="p1").updated_at == seen


def test_complete_if_ready_completes_a_ready_topic_under_lock(topic, clock, settings, lock_spy):
    """What a facilitator's acceptance calls: here the last missing piece is engaged time, added afterwards."""
    settings.ELSX = dict(getattr(settings, "ELSX", {}), MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR=50)
    assert progress.complete_if_ready(COURSE, "p1", topic) is False  # no rows at all
    for section_id in topic.section_ids():
        progress.view_section(COURSE, WHO, topic, section_id)
    progress.submit_check(COURSE, WHO, topic, correct_answers(topic), 80)
    state, newly = progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    assert not newly and not state.completed and state.remaining_seconds == progress.required_seconds(topic) > 0
    assert progress.complete_if_ready(COURSE, "p1", topic) is False  # still short of time: nothing stored
    assert TopicProgress.objects.get(learner_id="p1").completed_at is None
    TopicProgress.objects.filter(learner_id="p1").update(engaged_seconds=progress.required_seconds(topic))
    lock_spy.clear()
    assert progress.complete_if_ready(COURSE, "p1", topic) is True
    assert lock_spy == ["LearnerProfile", "TopicProgress"]
    row = TopicProgress.objects.get(learner_id="p1")
    profile = LearnerProfile.objects.get(learner_id="p1")
    assert row.completed_at is not None and (profile.topics_completed, profile.hours_earned) == (1, topic.hours)
    assert progress.complete_if_ready(COURSE, "p1", topic) is False  # once


def test_complete_if_ready_needs_both_the_profile_and_the_topic_row(topic, clock):
    progress.ensure_profile(COURSE, WHO)
    assert progress.complete_if_ready(COURSE, "p1", topic) is False  # a profile, no topic row
    TopicProgress.objects.create(course_key=COURSE, learner_id="p2", topic_id=topic.id)
    assert progress.complete_if_ready(COURSE, "p2", topic) is False  # a topic row, no profile


def test_a_section_counts_as_read_on_opening_only_when_it_needs_no_time(topic, clock, monkeypatch):
    first, second = topic.section_ids()[:2]
    needed = {first: 0, second: 1}  # seconds each must be open for
    monkeypatch.setattr(progress.estimates, "section_read_seconds", lambda section: needed.get(section.id, 60))
    state, _newly = progress.view_section(COURSE, WHO, topic, second)
    assert state.sections_viewed == [] and state.status == progress.STATUS_NOT_STARTED  # opening is no action
    row = TopicProgress.objects.get(learner_id="p1")
    assert row.first_viewed_at is not None and row.started_at is None  # opened: first view noted all the same
    state, _newly = progress.view_section(COURSE, WHO, topic, first)
    assert state.sections_viewed == [first] and state.status == progress.STATUS_IN_PROGRESS
    assert TopicProgress.objects.get(learner_id="p1").first_viewed_at == row.first_viewed_at


@pytest.mark.parametrize("items, sentence", [
    ([], ""), (["4"], "4"), (["4", "5"], "4 and 5"), (["4", "5", "6"], "4, 5 and 6"), (iter(["1", "2"]), "1 and 2"),
])
def test_and_list(items, sentence):
    assert progress.and_list(items) == sentence


def test_several_unanswered_questions_are_named_in_one_sentence(topic):
    answers = correct_answers(topic)
    for question in topic.questions[1:4]:
        answers[question.id] = None
    with pytest.raises(InvalidInput) as caught:
        progress.validate_answers(topic, answers)
    assert str(caught.value) == "Questions 2, 3 and 4 are not answered yet."
    assert caught.value.extra["unanswered_labels"] == {q.id: f"Question {n}" for n, q in
                                                        zip((2, 3, 4), topic.questions[1:4])}


def test_unknown_question_ids_are_named_ten_at_most_sorted(topic):
    answers = dict(correct_answers(topic), **{f"zz{n:02d}": "a" for n in range(12)})
    with pytest.raises(InvalidInput) as caught:
        progress.validate_answers(topic, answers)
    assert str(caught.value) == "Unknown question id(s): " + ", ".join(f"zz{n:02d}" for n in range(10)) + "."


def test_an_unknown_option_is_quoted_cut_to_40_characters(topic):
    answers = correct_answers(topic)
    answers[topic.questions[0].id] = "o" * 100
    with pytest.raises(InvalidInput) as caught:
        progress.validate_answers(topic, answers)
    assert str(caught.value) == f"Question {topic.questions[0].id} has no option {repr('o' * 100)[:40]}."


def test_a_topic_without_questions_grades_to_zero():
    class Empty:
        questions = []
    assert progress.grade(Empty(), {}) == (0, 0, {})


def test_an_anonymous_check_is_refused_before_its_answers_are_read(topic):
    with pytest.raises(NotAllowed):
        progress.submit_check(COURSE, Learner(id="", is_authenticated=False), topic, [], 80)


def test_a_reflection_keeps_its_line_breaks(topic, clock):
    text = "First we will train intake staff.\nThen we will review every case."
    state, _newly = progress.save_reflection(COURSE, WHO, topic, text)
    assert state.reflection == text and TopicProgress.objects.get(learner_id="p1").reflection == text


def test_a_reflection_too_short_in_words_is_refused_when_the_commission_rules_apply(topic, clock, settings):
    settings.ELSX = dict(getattr(settings, "ELSX", {}), COMMISSION=True, REFLECTION_MIN_WORDS=10)
    with pytest.raises(InvalidInput) as caught:
        progress.save_reflection(COURSE, WHO, topic, "Only five words are here.")
    assert caught.value.field == "reflection" and not TopicProgress.objects.exists()


def test_an_old_row_with_a_reflection_but_no_time_gets_its_time(topic, clock):
    TopicProgress.objects.create(course_key=COURSE, learner_id="p1", topic_id=topic.id, reflection=REFLECTION)
    state, _newly = progress.save_reflection(COURSE, WHO, topic, REFLECTION)
    assert state.reflection_saved_at is not None


def test_course_engaged_seconds_add_up_every_topic(clock):
    topics = get_curriculum().topics
    complete_topic(COURSE, WHO, topics[0])
    complete_topic(COURSE, WHO, topics[3])
    TopicProgress.objects.filter(learner_id="p1", topic_id=topics[0].id).update(engaged_seconds=70)
    TopicProgress.objects.filter(learner_id="p1", topic_id=topics[3].id).update(engaged_seconds=5)
    assert progress.course_progress(COURSE, "p1").engaged_seconds == 75


def test_an_incomplete_topic_is_not_newly_completed(topic, clock):
    _state, newly = progress.view_section(COURSE, WHO, topic, topic.section_ids()[0])
    assert newly is False


def test_an_unknown_section_is_refused_listing_the_sections(topic):
    with pytest.raises(InvalidInput) as caught:
        progress.view_section(COURSE, WHO, topic, "nope")
    assert str(caught.value) == "Unknown section. Valid sections: " + ", ".join(topic.section_ids()) + "."
