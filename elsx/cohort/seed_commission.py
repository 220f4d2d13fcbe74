"""Seeded cohort learners' commission records (COMMISSION on): what elsx.cohort.seed adds for finishers.

Every learner who finished the ten topics had the capstone accepted, passed the
final, answered the evaluation; a claimed one affirmed. Without these rows the
seeded "completed" and "certified" learners would not be eligible.
"""
import secrets
from datetime import timedelta

from elsx import conf

FACILITATOR_ID = "instructor"


def _models():
    from elsx.affirmation.models import Affirmation  # pylint: disable=import-outside-toplevel
    from elsx.assessment.models import FinalAttempt  # pylint: disable=import-outside-toplevel
    from elsx.evaluation.models import EvaluationCompletion, EvaluationResponse  # pylint: disable=import-outside-toplevel
    from elsx.review.models import ReviewSubmission  # pylint: disable=import-outside-toplevel
    return ReviewSubmission, FinalAttempt, EvaluationCompletion, EvaluationResponse, Affirmation


def delete(course_key, prefix):
    """The seeded learners' rows (the evaluation's anonymous responses cannot be told apart and stay)."""
    ReviewSubmission, FinalAttempt, EvaluationCompletion, _response, Affirmation = _models()
    seeded = {"course_key": course_key, "learner_id__startswith": prefix}
    return sum(model.objects.filter(**seeded).delete()[0]
               for model in (ReviewSubmission, FinalAttempt, EvaluationCompletion, Affirmation))


def add(course_key, finishers, rng):
    """finishers: seeded profile dicts with completed_at (claimed_at when they claimed)."""
    if not conf.get("COMMISSION") or not finishers:
        return
    from elsx.assessment import api as assessment  # pylint: disable=import-outside-toplevel
    from elsx.evaluation import api as evaluation  # pylint: disable=import-outside-toplevel
    from elsx.review.status import review_topics  # pylint: disable=import-outside-toplevel
    ReviewSubmission, FinalAttempt, EvaluationCompletion, EvaluationResponse, Affirmation = _models()
    rules, bank = assessment.rules(), assessment.bank()
    reviews, attempts, completions, responses, affirmations = [], [], [], [], []
    for profile in finishers:
        learner_id, done = profile["learner_id"], profile["completed_at"]
        for topic_id in review_topics():
            reviews.append(ReviewSubmission(
                course_key=course_key, learner_id=learner_id, topic_id=topic_id, round=1, text="(seeded plan)",
                submitted_at=done - timedelta(days=1), status=ReviewSubmission.STATUS_ACCEPTED,
                rubric={key: 2 for key in ("goals", "owners", "timeline", "resources", "measures", "partners",
                                           "communication")},
                decided_by=FACILITATOR_ID, decided_at=done - timedelta(hours=2)))
        drawn = assessment.draw(rules.questions, rng)
        answers = {item["id"]: bank[item["id"]][1].correct_option_id for item in drawn}
        attempts.append(FinalAttempt(
            course_key=course_key, learner_id=learner_id, number=1, draw_id=secrets.token_urlsafe(24), draw=drawn,
            answers=answers, correct=len(drawn), total=len(drawn), score=100, pass_mark=rules.pass_mark,
            passed=True, started_at=done + timedelta(minutes=5), submitted_at=done + timedelta(minutes=40)))
        completions.append(EvaluationCompletion(course_key=course_key, learner_id=learner_id,
                                                completed_at=done + timedelta(minutes=45)))
        responses.append(EvaluationResponse(course_key=course_key, comments={}, ratings={
            item.id: rng.choice([value for value, _label in item.points][-2:]) for item in evaluation.rated_items()}))
        if profile.get("claimed_at"):
            affirmations.append(Affirmation(course_key=course_key, learner_id=learner_id,
                                            text=conf.get("AFFIRMATION_TEXT"), affirmed_at=profile["claimed_at"]))
    for model, rows in ((ReviewSubmission, reviews), (FinalAttempt, attempts), (EvaluationCompletion, completions),
                        (EvaluationResponse, responses), (Affirmation, affirmations)):
        model.objects.bulk_create(rows)
