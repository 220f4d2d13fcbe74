"""Certificate requirement: the course evaluation submitted (when ELSX["COMMISSION"] is on)."""
from django.utils.translation import gettext as _

from elsx import conf, eligibility

from .api import unavailable
from .models import EvaluationCompletion

KEY = "evaluation"


@eligibility.register(order=60)
def evaluation(course_key, learner_id, context):
    if not conf.get("COMMISSION"):
        return None
    if KEY not in context.shared:
        context.shared[KEY] = set(EvaluationCompletion.objects.filter(
            course_key=course_key, learner_id__in=list(context.learner_ids)).values_list("learner_id", flat=True))
    met = learner_id in context.shared[KEY]
    remaining = "" if met else (unavailable() or _("submit the course evaluation"))
    return eligibility.Requirement(key=KEY, label=_("Course evaluation"), met=met, remaining=remaining)
