"""The dashboard's "still to do" filter: learners who have not met one of the commission requirements.

One Q per requirement key of elsx.eligibility's list (the keys the providers
use), as an Exists() subquery on that requirement's own table, so the grid's
fixed query budget holds.
"""
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from elsx import conf
from elsx.affirmation.models import Affirmation
from elsx.assessment.models import FinalAttempt
from elsx.curriculum import get_curriculum
from elsx.evaluation.models import EvaluationCompletion
from elsx.review.models import ReviewSubmission
from elsx.review.status import review_topics


def choices():
    """[(requirement key, label)] offered by the filter; none unless COMMISSION is on."""
    if not conf.get("COMMISSION"):
        return []
    curriculum = get_curriculum()
    found = [("final_assessment", _("Final assessment"))]
    found += [(f"accepted:{topic_id}", _("Capstone accepted: {title}").format(title=curriculum.topic(topic_id).title))
              for topic_id in review_topics() if curriculum.topic(topic_id)]
    found += [("evaluation", _("Course evaluation")), ("affirmation", _("Affirmation"))]
    return found


def missing_q(key, course_key):
    """Q for learners who have NOT met the requirement named by key."""
    mine = {"course_key": course_key, "learner_id": OuterRef("learner_id")}
    if key == "final_assessment":
        return ~Exists(FinalAttempt.objects.filter(passed=True, **mine))
    if key == "evaluation":
        return ~Exists(EvaluationCompletion.objects.filter(**mine))
    if key == "affirmation":
        return ~Exists(Affirmation.objects.filter(**mine))
    if key.startswith("accepted:"):
        return ~Exists(ReviewSubmission.objects.filter(topic_id=key.split(":", 1)[1],
                                                       status=ReviewSubmission.STATUS_ACCEPTED, **mine))
    return Q()
