"""Which topics need a facilitator's acceptance, and whether a learner has it.

Imports only settings and models, so elsx.progress can ask without a cycle.
"""
from elsx import conf

from .models import ReviewSubmission


def review_topics():
    """Topic ids that complete only on acceptance; none unless COMMISSION is on."""
    if not conf.get("COMMISSION"):
        return []
    return list(conf.get("REVIEW_TOPICS") or [])


def needs_review(topic_id):
    return topic_id in review_topics()


def current(course_key, learner_id, topic_id):
    return (ReviewSubmission.objects.filter(course_key=course_key, learner_id=learner_id, topic_id=topic_id)
            .order_by("-round").first())


def accepted(course_key, learner_id, topic_id):
    return ReviewSubmission.objects.filter(course_key=course_key, learner_id=learner_id, topic_id=topic_id,
                                           status=ReviewSubmission.STATUS_ACCEPTED).exists()
