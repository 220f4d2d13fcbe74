"""Per-learner progress through the topics: sections read, knowledge checks, reflections.

A topic is complete when every section has been read, the knowledge check is
passed, a reflection is saved and the learner has been engaged in it for the
minimum time (elsx.engagement). A section counts as read once it has been
open and engaged for SECTION_READ_SHARE of its reading time (0: on opening).
A topic is "In progress" only after a real action (started_at); rendering or
opening it is not one. Every write locks the learner's profile row
first, then the topic row, so concurrent requests for one learner serialize
and the profile's summary columns always match the topic rows.
"""
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elsx import conf, estimates, reflection
from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput, NotAllowed
from elsx.models import LearnerProfile, TopicProgress
from elsx.review import status as review_status
from elsx.validation import clean_text

REFLECTION_MIN = 20
REFLECTION_MAX = 5000
STATUS_NOT_STARTED = "not_started"
STATUS_IN_PROGRESS = "in_progress"
STATUS_COMPLETE = "complete"


@dataclass
class TopicState:
    topic_id: str
    sections_viewed: list = field(default_factory=list)
    all_sections_viewed: bool = False
    attempts: int = 0
    best_score: int = None
    last_score: int = None
    last_answers: dict = field(default_factory=dict)
    passed: bool = False
    reflection: str = ""
    reflection_saved_at: object = None
    completed_at: object = None
    first_viewed_at: object = None
    updated_at: object = None
    started_at: object = None
    engaged_seconds: int = 0
    required_seconds: int = 0  # minimum engaged seconds to complete (0: none)

    @property
    def engaged_enough(self):
        return self.engaged_seconds >= self.required_seconds

    @property
    def remaining_seconds(self):
        return max(0, self.required_seconds - self.engaged_seconds)

    @property
    def completed(self):
        return self.completed_at is not None

    @property
    def status(self):
        if self.completed:
            return STATUS_COMPLETE
        if self.started_at or self.attempts or self.reflection or self.sections_viewed:
            return STATUS_IN_PROGRESS
        return STATUS_NOT_STARTED


@dataclass
class CheckResult:
    score: int
    passed: bool
    pass_mark: int
    correct: int
    total: int
    feedback: dict
    attempts: int
    best_score: int
    duplicate: bool
    newly_completed: bool
    state: TopicState


def required_seconds(topic):
    """Minimum engaged seconds for the topic to complete (0: no minimum)."""
    per_hour = float(conf.get("MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR") or 0)
    return int(math.ceil(per_hour * float(topic.hours) * 60)) if per_hour > 0 else 0


def _state(topic, row):
    if row is None:
        return TopicState(topic_id=topic.id, required_seconds=required_seconds(topic))
    viewed = [sid for sid in topic.section_ids() if sid in set(row.sections_viewed or [])]
    return TopicState(
        topic_id=topic.id,
        sections_viewed=viewed,
        all_sections_viewed=len(viewed) == len(topic.sections),
        attempts=row.attempts,
        best_score=row.best_score,
        last_score=row.last_score,
        last_answers=dict(row.last_answers or {}),
        passed=row.check_passed_at is not None,
        reflection=row.reflection,
        reflection_saved_at=row.reflection_saved_at,
        completed_at=row.completed_at,
        first_viewed_at=row.first_viewed_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        engaged_seconds=row.engaged_seconds,
        required_seconds=required_seconds(topic),
    )


def _require_learner(learner):
    if learner is None or learner.is_anonymous:
        raise NotAllowed(_("Sign in to record your progress."))


def _profile_defaults(learner):
    return {"full_name": learner.full_name[:255], "email": learner.email[:254], "username": learner.username[:150]}


def ensure_profile(course_key, learner):
    """The learner's profile row, created on first contact (race-safe)."""
    _require_learner(learner)
    found = _create_once(lambda: LearnerProfile.objects.get_or_create(
        course_key=course_key, learner_id=learner.id, defaults=_profile_defaults(learner)))
    if found is None:  # another request created it first
        found = LearnerProfile.objects.get(course_key=course_key, learner_id=learner.id), False
    profile, created = found
    if not created:
        stale = {k: v for k, v in _profile_defaults(learner).items() if v and getattr(profile, k) != v}
        if stale and profile.retired_at is None:
            LearnerProfile.objects.filter(pk=profile.pk).update(**stale)
            for key, value in stale.items():
                setattr(profile, key, value)
    return profile


DEADLOCK_RETRIES = 3
MYSQL_DEADLOCK = 1213  # ER_LOCK_DEADLOCK: InnoDB picked this insert as the victim of a duplicate-key race


def _in_transaction():
    return connection.in_atomic_block


def _is_deadlock(exc):
    return bool(exc.args) and exc.args[0] == MYSQL_DEADLOCK


def _create_once(create):
    """Run a get_or_create that several requests may race on. The loser of a duplicate-key race gets an
    IntegrityError (the row exists: done) or, on MariaDB, a deadlock: outside a transaction nothing of
    ours was rolled back, so it is simply tried again."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            return create()
        except IntegrityError:
            return None  # another request created it first
        except OperationalError as exc:
            if not _is_deadlock(exc) or _in_transaction() or attempt == DEADLOCK_RETRIES - 1:
                raise
    return None


def _ensure_row(course_key, learner_id, topic_id):
    _create_once(lambda: TopicProgress.objects.get_or_create(
        course_key=course_key, learner_id=learner_id, topic_id=topic_id))


def _locked_write(course_key, learner, topic, mutate, action=True):
    """Run mutate(row, now) on the learner's topic row under lock; return (result, state, newly_completed).

    action: the write is a real action (it starts the topic and counts as activity); a visit is not.
    """
    profile = ensure_profile(course_key, learner)
    _ensure_row(course_key, learner.id, topic.id)
    with transaction.atomic():
        profile = LearnerProfile.objects.select_for_update().get(pk=profile.pk)
        row = TopicProgress.objects.select_for_update().get(
            course_key=course_key, learner_id=learner.id, topic_id=topic.id,
        )
        now = timezone.now()
        result = mutate(row, now)
        if action and row.started_at is None and _acted(row):
            row.started_at = now
        newly_completed = _maybe_complete(row, topic, now)
        row.save()
        if action:
            _touch_activity(profile, now)
        if newly_completed:
            refresh_summary(profile, now)
        profile.save()
    return result, _state(topic, row), newly_completed


def _acted(row):
    return bool(row.attempts or row.reflection_saved_at or row.sections_viewed
                or row.engaged_seconds >= int(conf.get("IN_PROGRESS_ENGAGED_SECONDS")))


def _maybe_complete(row, topic, now):
    if row.completed_at is not None:
        return False
    viewed = set(row.sections_viewed or [])
    if set(topic.section_ids()) <= viewed and row.check_passed_at and row.reflection_saved_at \
            and row.engaged_seconds >= required_seconds(topic) and _review_allows(row):
        row.completed_at = now
        return True
    return False


def _review_allows(row):
    """A reviewed topic (elsx.review) completes only once a facilitator accepted it."""
    return not review_status.needs_review(row.topic_id) or review_status.accepted(
        row.course_key, row.learner_id, row.topic_id)


def complete_if_ready(course_key, learner_id, topic):
    """Complete the topic if everything is now done (after a facilitator's acceptance); True if it completed."""
    with transaction.atomic():
        profile = LearnerProfile.objects.select_for_update().filter(
            course_key=course_key, learner_id=learner_id).first()
        row = TopicProgress.objects.select_for_update().filter(
            course_key=course_key, learner_id=learner_id, topic_id=topic.id).first()
        if profile is None or row is None:
            return False
        now = timezone.now()
        if not _maybe_complete(row, topic, now):
            return False
        row.save()
        refresh_summary(profile, now)
        profile.save()
    return True


def _touch_activity(profile, now):
    profile.first_activity_at = profile.first_activity_at or now
    profile.last_activity_at = now


def refresh_summary(profile, now=None):
    """Recompute the profile's summary columns from its topic rows (caller saves)."""
    curriculum = get_curriculum()
    hours_by_topic = {topic.id: topic.hours for topic in curriculum.topics}
    done = TopicProgress.objects.filter(
        course_key=profile.course_key, learner_id=profile.learner_id, completed_at__isnull=False,
    ).values_list("topic_id", flat=True)
    done = [topic_id for topic_id in done if topic_id in hours_by_topic]
    profile.topics_completed = len(done)
    profile.hours_earned = sum((hours_by_topic[t] for t in done), Decimal("0"))
    if len(done) == len(hours_by_topic):
        profile.completed_at = profile.completed_at or now or timezone.now()
    else:
        profile.completed_at = None


def record_visit(course_key, learner, topic):
    """Note when the learner first opened the topic. Not an action: it starts nothing, counts as no activity."""
    row = TopicProgress.objects.filter(course_key=course_key, learner_id=learner.id, topic_id=topic.id).first()
    if row is not None and row.first_viewed_at is not None:
        return _state(topic, row)  # seen before: no writes, no locks on this hot path

    def mutate(row, now):
        row.first_viewed_at = row.first_viewed_at or now
    return _locked_write(course_key, learner, topic, mutate, action=False)[1]


def _mark_read(row, topic, section_ids, now):
    viewed = list(row.sections_viewed or [])
    for section_id in section_ids:
        if section_id not in viewed:
            viewed.append(section_id)
    row.sections_viewed = viewed
    if row.sections_viewed_at is None and set(topic.section_ids()) <= set(viewed):
        row.sections_viewed_at = now


def view_section(course_key, learner, topic, section_id):
    """The learner opened a section. It counts as read now only if SECTION_READ_SHARE is 0; otherwise
    heartbeats with the section open make it read (elsx.engagement)."""
    if not isinstance(section_id, str) or section_id not in topic.section_ids():
        raise InvalidInput(_("Unknown section. Valid sections: {ids}.").format(ids=", ".join(topic.section_ids())),
                           field="section")
    section = next(s for s in topic.sections if s.id == section_id)
    reads_now = estimates.section_read_seconds(section) <= 0

    def mutate(row, now):
        row.first_viewed_at = row.first_viewed_at or now
        if reads_now:
            _mark_read(row, topic, [section_id], now)

    _result, state, newly_completed = _locked_write(course_key, learner, topic, mutate, action=reads_now)
    return state, newly_completed


def engagement_changed(course_key, learner, topic, sections_read=()):
    """After engaged time passed a threshold: sections now read, maybe started or complete. Returns newly_completed."""
    def mutate(row, now):
        if sections_read:
            _mark_read(row, topic, sections_read, now)
    return _locked_write(course_key, learner, topic, mutate)[2]


def and_list(items):
    """'4', '4 and 5', '4, 5 and 6': a list as a sentence says it."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def validate_answers(topic, answers):
    """Answers as {question_id: option_id}, every question answered once, all ids known."""
    if not isinstance(answers, dict):
        raise InvalidInput(_("Answers must be an object mapping question ids to option ids."), field="answers")
    known = [question.id for question in topic.questions]
    unknown = sorted(key for key in answers if key not in known)
    if unknown:
        raise InvalidInput(_("Unknown question id(s): {ids}.").format(ids=", ".join(unknown[:10])),
                           field="answers")
    missing = [qid for qid in known if answers.get(qid) in (None, "")]
    if missing:
        numbers = [str(known.index(qid) + 1) for qid in missing]
        message = ngettext("Question {numbers} is not answered yet.", "Questions {numbers} are not answered yet.",
                           len(numbers)).format(numbers=and_list(numbers))
        # The block links each one at the form: ids to find the fieldset, labels to name the link.
        labels = {qid: _("Question {n}").format(n=n) for qid, n in zip(missing, numbers)}
        raise InvalidInput(message, field="answers", unanswered=missing, unanswered_labels=labels)
    for question in topic.questions:
        choice = answers[question.id]
        if not isinstance(choice, str) or choice not in question.option_ids():
            raise InvalidInput(_("Question {qid} has no option {choice}.").format(
                qid=question.id, choice=repr(choice)[:40]), field="answers")
    return {qid: answers[qid] for qid in known}


def grade(topic, answers):
    """Score and per-question feedback for validated answers."""
    feedback, correct = {}, 0
    for question in topic.questions:
        is_correct = answers.get(question.id) == question.correct_option_id
        correct += is_correct
        feedback[question.id] = {"correct": is_correct, "explanation": question.explanation}
    total = len(topic.questions)
    return round(100 * correct / total) if total else 0, correct, feedback


def submit_check(course_key, learner, topic, answers, pass_mark):
    """Score an attempt. The same answers as the last attempt count once (double submits)."""
    _require_learner(learner)
    answers = validate_answers(topic, answers)
    score, correct, feedback = grade(topic, answers)
    passed = score >= pass_mark

    def mutate(row, now):
        duplicate = row.attempts > 0 and row.last_answers == answers
        if not duplicate:
            row.attempts += 1
            row.last_answers = answers
            row.last_score = score
            row.best_score = max(row.best_score or 0, score)
            if passed and row.check_passed_at is None:
                row.check_passed_at = now
        return duplicate

    duplicate, state, newly_completed = _locked_write(course_key, learner, topic, mutate)
    return CheckResult(score=score, passed=passed, pass_mark=pass_mark, correct=correct,
                       total=len(topic.questions), feedback=feedback, attempts=state.attempts,
                       best_score=state.best_score, duplicate=duplicate,
                       newly_completed=newly_completed, state=state)


def last_feedback(topic, state):
    """Feedback for the learner's last recorded attempt, to show again after a reload."""
    if not state.attempts or not state.last_answers:
        return None
    try:
        answers = validate_answers(topic, state.last_answers)
    except InvalidInput:
        return None  # the questions were edited since; start fresh
    return grade(topic, answers)


def save_reflection(course_key, learner, topic, text):
    text = clean_text(text, "reflection", _("Your reflection"), REFLECTION_MIN, REFLECTION_MAX, multiline=True)
    reflection.check(topic.id, text)

    def mutate(row, now):
        if row.reflection != text:
            row.reflection = text
            row.reflection_saved_at = now
        row.reflection_saved_at = row.reflection_saved_at or now

    _result, state, newly_completed = _locked_write(course_key, learner, topic, mutate)
    return state, newly_completed


def topic_state(course_key, learner_id, topic):
    row = TopicProgress.objects.filter(course_key=course_key, learner_id=learner_id, topic_id=topic.id).first()
    return _state(topic, row)


@dataclass
class CourseProgress:
    weeks: list  # [(Week, [(Topic, TopicState)])]
    hours_earned: Decimal
    hours_total: Decimal
    topics_completed: int
    topics_total: int
    next_topic: object
    remaining: list

    @property
    def engaged_seconds(self):
        return sum(state.engaged_seconds for _week, items in self.weeks for _topic, state in items)

    @property
    def complete(self):
        return self.topics_completed == self.topics_total


def course_progress(course_key, learner_id, curriculum=None, rows=None):
    """Every topic's state for one learner, in one query (none when the caller passes its rows)."""
    curriculum = curriculum or get_curriculum()
    if rows is None:
        rows = TopicProgress.objects.filter(course_key=course_key, learner_id=learner_id)
    rows = {row.topic_id: row for row in rows}
    weeks, earned, completed, remaining = [], Decimal("0"), 0, []
    for week in curriculum.weeks:
        items = []
        for topic in week.topics:
            state = _state(topic, rows.get(topic.id))
            items.append((topic, state))
            if state.completed:
                earned += topic.hours
                completed += 1
            else:
                remaining.append((topic, state))
        weeks.append((week, items))
    return CourseProgress(weeks=weeks, hours_earned=earned, hours_total=curriculum.hours,
                          topics_completed=completed, topics_total=len(curriculum.topics),
                          next_topic=remaining[0][0] if remaining else None, remaining=remaining)
