"""Certificate requirement: the final assessment passed (when ELSX["COMMISSION"] is on)."""
from django.utils.translation import gettext as _

from elsx import conf, eligibility

from .api import unavailable
from .models import FinalAttempt

KEY = "final_assessment"


def _passed_ids(course_key, context):
    """Learners of the batch who passed, loaded once per batch (one query)."""
    if KEY not in context.shared:
        context.shared[KEY] = set(FinalAttempt.objects.filter(
            course_key=course_key, learner_id__in=list(context.learner_ids), passed=True)
            .values_list("learner_id", flat=True))
    return context.shared[KEY]


@eligibility.register(order=50)
def final_assessment(course_key, learner_id, context):
    if not conf.get("COMMISSION"):
        return None
    met = learner_id in _passed_ids(course_key, context)
    remaining = ""
    if not met:  # no bank: still required, and the reason is said where the learner looks
        remaining = unavailable() or _("pass the final assessment ({mark}%)").format(mark=conf.get("FINAL_PASS_MARK"))
    return eligibility.Requirement(key=KEY, label=_("Final assessment"), met=met, remaining=remaining)
