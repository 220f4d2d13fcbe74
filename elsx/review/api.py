"""Facilitator review: submit (with the reflection), the staff queue, accept or return.

A reviewed topic (REVIEW_TOPICS, default the capstone) completes only when a
facilitator accepts it. Each submission is a round; returning one keeps it
with the rubric and comment, and the learner's next save opens a new round.
When the capstone plan builder (elsx.capstone) is installed, the review shows
the learner's plan and records which revision was reviewed.
"""
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elsx import progress
from elsx.curriculum import get_curriculum
from elsx.errors import Conflict, InvalidInput, NotAllowed, NotFound
from elsx.learners import Learner
from elsx.models import LearnerProfile
from elsx.validation import clean_text, parse_int

from .models import ReviewSubmission
from .status import accepted, current, needs_review, review_topics  # noqa: F401  (the package's API)

log = logging.getLogger(__name__)

# The rubric: each criterion scored 0 (missing), 1 (partly) or 2 (meets).
RUBRIC = (
    ("goals", gettext_lazy("Goals: specific and tied to the readiness gaps")),
    ("owners", gettext_lazy("Named owners for every goal")),
    ("timeline", gettext_lazy("A timeline with dates")),
    ("resources", gettext_lazy("Resources identified")),
    ("measures", gettext_lazy("Measures of success")),
    ("partners", gettext_lazy("Partners named")),
    ("communication", gettext_lazy("Communication plan")),
)
SCORES = ((0, gettext_lazy("Missing")), (1, gettext_lazy("Partly")), (2, gettext_lazy("Meets")))
COMMENT_MAX = 4000
ACCEPT, RETURN = "accept", "return"


def _capstone():
    """elsx.capstone.api when that package is installed (the plan builder), else None."""
    try:
        from elsx.capstone import api as capstone  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return capstone


def plan_for(course_key, learner_id):
    capstone = _capstone()
    if capstone is None:
        return None
    try:
        plan = capstone.get_plan(course_key, learner_id)
    except Exception:  # pylint: disable=broad-except  # a plan problem must not break the review
        log.exception("elsx: reading the capstone plan failed")
        return None
    return plan if plan.revision else None


def save_reflection(course_key, learner, topic, text):
    """Save the reflection (elsx.progress), then submit it for review; returns (state, newly_completed)."""
    state, newly_completed = progress.save_reflection(course_key, learner, topic, text)
    if needs_review(topic.id):
        submit(course_key, learner.id, topic.id, state.reflection)
    return state, newly_completed


def submit(course_key, learner_id, topic_id, text, now=None):
    """Open a round, or refresh the pending one's text; accepted work stays accepted."""
    now = now or timezone.now()
    plan = plan_for(course_key, learner_id)
    revision = plan.submitted_revision if plan is not None and plan.is_submitted else None
    with transaction.atomic():
        LearnerProfile.objects.select_for_update().filter(course_key=course_key, learner_id=learner_id).first()
        latest = current(course_key, learner_id, topic_id)
        if latest is not None and latest.status == ReviewSubmission.STATUS_ACCEPTED:
            return latest
        if latest is not None and latest.status == ReviewSubmission.STATUS_PENDING:
            ReviewSubmission.objects.filter(pk=latest.pk, status=ReviewSubmission.STATUS_PENDING).update(
                text=text, plan_revision=revision, submitted_at=now)
            latest.refresh_from_db()
            return latest
        try:
            with transaction.atomic():
                return ReviewSubmission.objects.create(
                    course_key=course_key, learner_id=learner_id, topic_id=topic_id,
                    round=(latest.round + 1) if latest else 1, text=text, plan_revision=revision,
                    submitted_at=now)
        except IntegrityError:
            return current(course_key, learner_id, topic_id)


def clean_rubric(rubric):
    if not isinstance(rubric, dict):
        raise InvalidInput(_("Score every rubric criterion."), field="rubric")
    keys = [key for key, _label in RUBRIC]
    if set(rubric) != set(keys):
        raise InvalidInput(_("Score every rubric criterion: {names}.").format(names=", ".join(keys)), field="rubric")
    labels = dict(RUBRIC)
    return {key: parse_int(rubric[key], key, labels[key], 0, 2) for key in keys}


def decide(course_key, submission_id, by, verdict, rubric, comment, now=None):
    """Accept or return one pending round. A round already decided is 409, so two reviewers can't both decide."""
    if by is None or not by.is_staff:
        raise NotAllowed(_("This is for course staff only."))
    if verdict not in (ACCEPT, RETURN):
        raise InvalidInput(_("Choose accept or return."), field="verdict")
    rubric = clean_rubric(rubric)
    comment = clean_text(comment, "comment", _("Comment"), 0, COMMENT_MAX, multiline=True, required=False)
    if verdict == RETURN and not comment:
        raise InvalidInput(_("Say what to revise when returning a plan."), field="comment")
    now = now or timezone.now()
    with transaction.atomic():
        row = ReviewSubmission.objects.select_for_update().filter(
            pk=_submission_id(submission_id), course_key=course_key).first()
        if row is None:
            raise NotFound(_("No submission with that id in this course."), field="submission")
        if row.status != ReviewSubmission.STATUS_PENDING:
            raise Conflict(_("This submission was already reviewed."))
        plan = plan_for(course_key, row.learner_id)
        if plan is not None and plan.is_submitted:
            row.plan_revision = plan.submitted_revision  # the version this verdict is about
        row.status = ReviewSubmission.STATUS_ACCEPTED if verdict == ACCEPT else ReviewSubmission.STATUS_RETURNED
        row.rubric, row.comment, row.decided_by, row.decided_at = rubric, comment, by.id, now
        row.save()
    if verdict == ACCEPT:
        topic = get_curriculum().topic(row.topic_id)
        if topic is not None:
            progress.complete_if_ready(course_key, row.learner_id, topic)
    else:
        capstone = _capstone()
        if capstone is not None and row.plan_revision is not None:
            capstone.reopen_plan(course_key, row.learner_id)
    log.info("elsx: review %s %s by staff %s", row.pk, row.status, by.id)
    return row


@dataclass
class QueueItem:
    submission: object
    profile: object
    topic: object


def queue(course_key, statuses=(ReviewSubmission.STATUS_PENDING,)):
    """Submissions awaiting review (oldest first), with the learner's profile: two queries."""
    rows = list(ReviewSubmission.objects.filter(course_key=course_key, status__in=list(statuses))
                .order_by("submitted_at")[:500])
    profiles = {p.learner_id: p for p in LearnerProfile.objects.filter(
        course_key=course_key, learner_id__in=[row.learner_id for row in rows])}
    curriculum = get_curriculum()
    return [QueueItem(row, profiles.get(row.learner_id), curriculum.topic(row.topic_id)) for row in rows]


def _submission_id(value):
    return parse_int(value, "submission", _("Submission"), 1, 2**53)


def submission(course_key, submission_id):
    row = ReviewSubmission.objects.filter(pk=_submission_id(submission_id), course_key=course_key).first()
    if row is None:
        raise NotFound(_("No submission with that id in this course."), field="submission")
    return row


def history(course_key, learner_id, topic_id):
    return list(ReviewSubmission.objects.filter(course_key=course_key, learner_id=learner_id, topic_id=topic_id)
                .order_by("round"))


def staff_learner(learner_id):
    return Learner(id=learner_id)
