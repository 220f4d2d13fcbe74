"""Certificate requirement: each reviewed topic accepted by a facilitator (the capstone by default)."""
from django.utils.translation import gettext as _

from elsx import eligibility

from .models import ReviewSubmission
from .status import review_topics

KEY_PREFIX = "accepted:"


@eligibility.register(order=40)
def accepted(course_key, learner_id, context):
    topics = [topic for topic in (context.curriculum.topic(tid) for tid in review_topics()) if topic is not None]
    if not topics:
        return None
    if "review" not in context.shared:
        latest = {}
        for row in ReviewSubmission.objects.filter(course_key=course_key, learner_id__in=list(context.learner_ids),
                                                   topic_id__in=[t.id for t in topics]).order_by("round"):
            latest[(row.learner_id, row.topic_id)] = row.status
        context.shared["review"] = latest
    remaining = {
        None: _("submit it for your facilitator's review"),
        ReviewSubmission.STATUS_PENDING: _("waiting for your facilitator's review"),
        ReviewSubmission.STATUS_RETURNED: _("returned: revise it and submit again"),
    }
    found = []
    for topic in topics:
        status = context.shared["review"].get((learner_id, topic.id))
        met = status == ReviewSubmission.STATUS_ACCEPTED
        found.append(eligibility.Requirement(
            key=KEY_PREFIX + topic.id,
            label=_("Capstone accepted: {title}").format(title=topic.title),
            met=met, remaining="" if met else remaining.get(status, ""),
            url=context.topic_url(course_key, topic.id), topic_id=topic.id))
    return found
