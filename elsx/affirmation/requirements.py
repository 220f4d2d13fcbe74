"""Certificate requirement: the affirmation at claim (when ELSX["COMMISSION"] is on)."""
from django.utils.translation import gettext as _

from elsx import eligibility

from . import api
from .models import Affirmation


@eligibility.register(order=90)
def affirmation(course_key, learner_id, context):
    if not api.required():
        return None
    if api.KEY not in context.shared:
        context.shared[api.KEY] = set(Affirmation.objects.filter(
            course_key=course_key, learner_id__in=list(context.learner_ids)).values_list("learner_id", flat=True))
    met = learner_id in context.shared[api.KEY]
    return eligibility.Requirement(key=api.KEY, label=_("Affirmation"), met=met,
                                   remaining="" if met else _("affirm, when you claim, that you personally "
                                                              "completed the training"))
