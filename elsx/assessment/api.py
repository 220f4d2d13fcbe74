"""The final assessment: unlock, draw, submit, grant; plain Python in front of the models.

Rules:
- it unlocks when every topic is complete;
- each attempt draws FINAL_QUESTIONS from the bank, stratified by topic, with
  question and option order shuffled, and stores the draw with the attempt;
- correct answers and explanations never leave this module: callers get the
  score and the topics to review, nothing else;
- every write locks the learner's profile row first (as elsx.progress does),
  so double submits and concurrent starts record one attempt; the unique
  (course, learner, number) constraint backs that up.
"""
import logging
import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elsx import conf
from elsx.curriculum import CurriculumError, get_curriculum, load_final_assessment
from elsx.errors import Conflict, InvalidInput, NotAllowed, NotFound, Unavailable
from elsx.models import LearnerProfile
from elsx.progress import course_progress, ensure_profile
from elsx.validation import clean_text

from .models import FinalAttempt, FinalGrant

log = logging.getLogger(__name__)

REASON_MIN, REASON_MAX = 3, 500
_rng = random.SystemRandom()


@dataclass(frozen=True)
class Rules:
    questions: int
    pass_mark: int
    max_attempts: int
    wait_minutes: int


def rules(questions=0, pass_mark=0, max_attempts=0, wait_minutes=-1):
    """The effective rules: a block's field where set (non-zero; wait -1), else ELSX settings."""
    def pick(value, name, low, high):
        value = value if isinstance(value, int) and low <= value <= high else conf.get(name)
        return max(low, min(high, int(value)))
    questions = pick(questions or None, "FINAL_QUESTIONS", 1, 200)
    try:
        # draw() can't hold more than the bank has: the page, max_score() and the training file say so too.
        questions = min(questions, len(bank()))
    except CurriculumError:
        pass  # unavailable() says why; nothing is drawn
    return Rules(
        questions=questions,
        pass_mark=pick(pass_mark or None, "FINAL_PASS_MARK", 1, 100),
        max_attempts=pick(max_attempts or None, "FINAL_MAX_ATTEMPTS", 1, 100),
        wait_minutes=pick(wait_minutes if wait_minutes >= 0 else None, "FINAL_WAIT_MINUTES", 0, 60 * 24 * 365),
    )


@lru_cache(maxsize=1)
def bank():
    """The staff-held bank from modules/final-assessment.xml: {question id: (topic id, Question)}."""
    loaded = load_final_assessment(topic_ids=get_curriculum().topic_ids())
    return {item.question.id: (item.topic, item.question) for item in loaded.questions}


def unavailable():
    """Why nobody can take this course's final ("" when its bank loads): a course without a valid
    final-assessment.xml stays unclaimable under COMMISSION, and says so instead of failing."""
    try:
        bank()
    except CurriculumError:
        return _("This course has no final assessment yet (its question bank is missing or invalid). "
                 "Ask the course team.")
    return ""


def draw(count, rng=_rng, questions=None):
    """count questions stratified by topic (as even as the bank allows), shuffled, options shuffled."""
    questions = bank() if questions is None else questions
    by_topic = {}
    for qid, (topic_id, _question) in questions.items():
        by_topic.setdefault(topic_id, []).append(qid)
    count = min(count, len(questions))
    pools = {topic: rng.sample(ids, len(ids)) for topic, ids in by_topic.items()}
    chosen = []
    # Round robin over topics in random order: every topic gets floor or ceil of count/topics.
    while len(chosen) < count:
        order = [topic for topic in pools if pools[topic]]
        rng.shuffle(order)
        for topic in order[:count - len(chosen)]:
            chosen.append(pools[topic].pop())
    rng.shuffle(chosen)
    result = []
    for qid in chosen:
        topic_id, question = questions[qid]
        options = question.option_ids()
        rng.shuffle(options)
        result.append({"id": qid, "topic": topic_id, "options": options})
    return result


@dataclass
class Result:
    attempt: object
    duplicate: bool = False

    @property
    def score(self):
        return self.attempt.score

    @property
    def passed(self):
        return self.attempt.passed


@dataclass
class State:
    unlocked: bool
    missing_topics: list
    attempts: list              # submitted FinalAttempt rows, oldest first
    open_attempt: object        # FinalAttempt being taken, or None
    allowed: int                # max attempts plus staff grants
    next_allowed_at: object     # when the wait ends, or None
    rules: Rules
    grants: list = field(default_factory=list)

    @property
    def passed(self):
        return any(attempt.passed for attempt in self.attempts)

    @property
    def used(self):
        return len(self.attempts) + (1 if self.open_attempt else 0)

    @property
    def attempts_left(self):
        return max(0, self.allowed - len(self.attempts))

    @property
    def best_score(self):
        scores = [attempt.score for attempt in self.attempts]
        return max(scores) if scores else None

    def can_start(self, now=None):
        now = now or timezone.now()
        return (self.unlocked and not self.passed and self.open_attempt is None and self.used < self.allowed
                and (self.next_allowed_at is None or now >= self.next_allowed_at))


def _state(course_key, learner_id, rules_, attempts=None, grants=None):
    progress = course_progress(course_key, learner_id)
    missing = [topic for topic, _state_ in progress.remaining]
    if attempts is None:
        attempts = list(FinalAttempt.objects.filter(course_key=course_key, learner_id=learner_id).order_by("number"))
    if grants is None:
        grants = list(FinalGrant.objects.filter(course_key=course_key, learner_id=learner_id).order_by("granted_at"))
    done = [attempt for attempt in attempts if attempt.submitted_at is not None]
    open_attempt = next((attempt for attempt in attempts if attempt.submitted_at is None), None)
    next_allowed = None
    if done and rules_.wait_minutes and not any(a.passed for a in done):
        next_allowed = done[-1].submitted_at + timedelta(minutes=rules_.wait_minutes)
    return State(unlocked=not missing, missing_topics=missing, attempts=done, open_attempt=open_attempt,
                 allowed=rules_.max_attempts + len(grants), next_allowed_at=next_allowed, rules=rules_,
                 grants=grants)


def state(course_key, learner_id, rules_=None):
    return _state(course_key, learner_id, rules_ or rules())


def passed(course_key, learner_id):
    return FinalAttempt.objects.filter(course_key=course_key, learner_id=learner_id, passed=True).exists()


def _lock_profile(course_key, learner):
    profile = ensure_profile(course_key, learner)
    return LearnerProfile.objects.select_for_update().get(pk=profile.pk)


def start(course_key, learner, rules_=None, now=None, rng=_rng):
    """The learner's open attempt, drawing a new one if allowed; NotAllowed says why not."""
    rules_ = rules_ or rules()
    with transaction.atomic():
        _lock_profile(course_key, learner)
        now = now or timezone.now()
        current = _state(course_key, learner.id, rules_)
        if current.open_attempt is not None:
            return current.open_attempt
        if not current.unlocked:
            raise NotAllowed(_("The final assessment opens when every topic is complete."),
                             missing=[topic.id for topic in current.missing_topics])
        if current.passed:
            raise NotAllowed(_("You have already passed the final assessment."))
        if current.used >= current.allowed:
            raise NotAllowed(_("You have used all {count} attempts at the final assessment.").format(
                count=current.allowed))
        if unavailable():
            raise Unavailable(unavailable())
        if current.next_allowed_at is not None and now < current.next_allowed_at:
            raise NotAllowed(_("Your next attempt opens at {when} (UTC).").format(
                when=current.next_allowed_at.strftime("%Y-%m-%d %H:%M")), next_allowed_at=current.next_allowed_at.isoformat())
        questions = draw(rules_.questions, rng)
        try:
            with transaction.atomic():
                return FinalAttempt.objects.create(
                    course_key=course_key, learner_id=learner.id, number=current.used + 1,
                    draw_id=secrets.token_urlsafe(24), draw=questions, total=len(questions),
                    pass_mark=rules_.pass_mark, started_at=now)
        except IntegrityError:  # a concurrent start won (possible only without row locks)
            return FinalAttempt.objects.get(course_key=course_key, learner_id=learner.id, number=current.used + 1)


def _validate(attempt, answers):
    if not isinstance(answers, dict):
        raise InvalidInput(_("Answers must be an object mapping question ids to option ids."), field="answers")
    drawn = {item["id"]: item["options"] for item in attempt.draw}
    unknown = sorted(str(key)[:40] for key in answers if key not in drawn)
    if unknown:
        raise InvalidInput(_("These questions are not in your attempt: {ids}.").format(ids=", ".join(unknown[:10])),
                           field="answers")
    missing = [qid for qid in drawn if answers.get(qid) in (None, "")]
    if missing:
        raise InvalidInput(_("Answer every question before submitting; {count} unanswered.").format(
            count=len(missing)), field="answers", unanswered=missing)
    for qid, options in drawn.items():
        if not isinstance(answers[qid], str) or answers[qid] not in options:
            raise InvalidInput(_("One answer names an option the question does not have."), field="answers")
    return {qid: answers[qid] for qid in drawn}


def _score(attempt, answers):
    questions = bank()
    curriculum = get_curriculum()
    correct, wrong_topics = 0, set()
    for item in attempt.draw:
        entry = questions.get(item["id"])
        if entry is not None and answers[item["id"]] == entry[1].correct_option_id:
            correct += 1
        else:
            wrong_topics.add(item["topic"])
    total = len(attempt.draw)
    score = round(100 * correct / total) if total else 0
    review = [topic_id for topic_id in curriculum.topic_ids() if topic_id in wrong_topics]
    return correct, score, review


def submit(course_key, learner, draw_id, answers, now=None):
    """Score the attempt named by draw_id. The same answers again count once; different ones are 409."""
    if not isinstance(draw_id, str) or not 8 <= len(draw_id) <= 64 or not draw_id.isascii():
        raise InvalidInput(_("This attempt is not valid. Reload the page."), field="draw_id")
    with transaction.atomic():
        _lock_profile(course_key, learner)
        attempt = FinalAttempt.objects.select_for_update().filter(
            course_key=course_key, learner_id=learner.id, draw_id=draw_id).first()
        if attempt is None:  # another learner's draw id looks exactly like a made-up one
            raise NotFound(_("This attempt is not valid. Reload the page."), field="draw_id")
        if attempt.submitted_at is not None:
            if isinstance(answers, dict) and {k: v for k, v in answers.items()} == attempt.answers:
                return Result(attempt, duplicate=True)
            raise Conflict(_("This attempt was already submitted; attempts cannot be changed."))
        cleaned = _validate(attempt, answers)
        correct, score, review = _score(attempt, cleaned)
        # Written once; the queryset update keeps a concurrent duplicate from writing twice.
        updated = FinalAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
            answers=cleaned, correct=correct, score=score, passed=score >= attempt.pass_mark,
            review_topics=review, submitted_at=now or timezone.now())
        attempt.refresh_from_db()
    log.info("elsx: final attempt %s submitted (attempt %s, passed=%s)", attempt.pk, attempt.number, attempt.passed)
    return Result(attempt, duplicate=not updated)


def grant(course_key, learner_id, by, reason, now=None):
    """One more attempt for learner_id, with the reason; by is the staff Learner."""
    if by is None or not by.is_staff:
        raise NotAllowed(_("This is for course staff only."))
    reason = clean_text(reason, "reason", _("Reason"), REASON_MIN, REASON_MAX, multiline=True)
    learner_id = clean_text(learner_id, "learner_id", _("Learner id"), 1, 255)
    if not LearnerProfile.objects.filter(
            course_key=course_key, learner_id=learner_id).exists():
        raise NotFound(_("No learner with that id in this course."), field="learner_id")
    with transaction.atomic():
        LearnerProfile.objects.select_for_update().filter(course_key=course_key, learner_id=learner_id).first()
        last_start = (FinalAttempt.objects.filter(course_key=course_key, learner_id=learner_id)
                      .order_by("-started_at").values_list("started_at", flat=True).first())
        same = FinalGrant.objects.filter(course_key=course_key, learner_id=learner_id, granted_by=by.id,
                                         reason=reason)
        if last_start is not None:
            same = same.filter(granted_at__gt=last_start)
        existing = same.first()
        if existing is not None:  # a double click: the same grant, not yet used, counts once
            return existing
        row = FinalGrant.objects.create(course_key=course_key, learner_id=learner_id, granted_by=by.id,
                                        reason=reason, granted_at=now or timezone.now())
    # Ids only: the reason is free text and stays in the table.
    log.info("elsx: final-assessment grant %s by staff %s", row.pk, by.id)
    return row


def recent_grants(course_key, limit=50):
    """The grant log for staff, newest first: who granted whom one more attempt, when and why."""
    return list(FinalGrant.objects.filter(course_key=course_key).order_by("-granted_at", "-pk")[:limit])


def shown_questions(attempt):
    """The attempt's questions as the learner sees them: prompt and options, never the key."""
    questions = bank()
    shown = []
    for item in attempt.draw:
        entry = questions.get(item["id"])
        if entry is None:
            continue
        options = {option.id: option.text for option in entry[1].options}
        shown.append({"id": item["id"], "prompt": entry[1].prompt,
                      "options": [{"id": oid, "text": options[oid]} for oid in item["options"] if oid in options]})
    return shown


def topic_titles(topic_ids):
    curriculum = get_curriculum()
    return [curriculum.topic(topic_id).title for topic_id in topic_ids if curriculum.topic(topic_id)]


def summary(course_key, learner_ids=None):
    """{learner_id: (best score, attempts, passed)} for staff views, one query."""
    rows = FinalAttempt.objects.filter(course_key=course_key, submitted_at__isnull=False)
    if learner_ids is not None:
        rows = rows.filter(learner_id__in=list(learner_ids))
    found = {}
    for learner_id, score, passed_ in rows.values_list("learner_id", "score", "passed"):
        best, count, ok = found.get(learner_id, (None, 0, False))
        found[learner_id] = (max(best or 0, score or 0), count + 1, ok or passed_)
    return found
