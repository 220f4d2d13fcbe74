"""Tracking events: one per learner or staff action, for the tracking log and Aspects.

From a block, events go through runtime.publish: in the LMS, xmodule/services.py EventPublishingService
hands any event other than grade/completion to the tracking log with the user, course and block context.
Actions with no block (issuing in a Celery task, revoking, retirement) go to eventtracking's tracker,
which the platform's own code calls the same way (common/djangoapps/track). Data carries ids, counts and
scores only: never a name, an email or anything a learner typed. docs/events.md lists every field.
"""
import logging
import numbers

from elsx import compat

log = logging.getLogger(__name__)

SECTION_READ = "edx.elsx.section.read"
CHECK_SUBMITTED = "edx.elsx.check.submitted"
REFLECTION_SAVED = "edx.elsx.reflection.saved"
TOPIC_COMPLETED = "edx.elsx.topic.completed"
CERTIFICATE_CLAIMED = "edx.elsx.certificate.claimed"
CERTIFICATE_ISSUED = "edx.elsx.certificate.issued"
CERTIFICATE_REVOKED = "edx.elsx.certificate.revoked"
CERTIFICATE_REISSUED = "edx.elsx.certificate.reissued"
CERTIFICATE_REINSTATED = "edx.elsx.certificate.reinstated"
EXPORT_CREATED = "edx.elsx.export.created"
FINAL_SUBMITTED = "edx.elsx.final.submitted"
FINAL_GRANTED = "edx.elsx.final.granted"
EVALUATION_SUBMITTED = "edx.elsx.evaluation.submitted"
REVIEW_DECIDED = "edx.elsx.review.decided"

# The only fields each event may carry (docs/events.md).
FIELDS = {
    SECTION_READ: ("topic_id", "section_id"),
    CHECK_SUBMITTED: ("topic_id", "score", "attempt", "passed", "correct", "total"),
    REFLECTION_SAVED: ("topic_id", "length"),
    TOPIC_COMPLETED: ("topic_id", "credit_hours"),
    CERTIFICATE_CLAIMED: ("certificate_number",),
    CERTIFICATE_ISSUED: ("certificate_number", "learner_id", "course_key", "generation", "credit_hours"),
    CERTIFICATE_REVOKED: ("certificate_number", "learner_id", "course_key", "by_retirement"),
    CERTIFICATE_REISSUED: ("certificate_number", "replaces", "learner_id", "course_key", "generation"),
    CERTIFICATE_REINSTATED: ("certificate_number", "replaces", "learner_id", "course_key", "generation"),
    EXPORT_CREATED: ("kind", "profile", "rows", "mode"),
    FINAL_SUBMITTED: ("attempt", "score", "passed", "correct", "total"),
    FINAL_GRANTED: ("learner_id",),
    EVALUATION_SUBMITTED: (),  # who, from the context; never what they answered
    REVIEW_DECIDED: ("topic_id", "learner_id", "round", "status"),
}
# Text fields are ids or names from settings, never learner text: short, no spaces.
MAX_TEXT = 255


def _clean(name, data):
    allowed = FIELDS[name]
    clean = {}
    for key, value in data.items():
        if key not in allowed:
            raise ValueError(f"{name} has no field {key}")
        if isinstance(value, str) and (len(value) > MAX_TEXT or any(char.isspace() for char in value)):
            raise ValueError(f"{name}.{key} looks like free text")
        if value is not None and not isinstance(value, (str, bool, numbers.Number)):
            value = str(value)
        clean[key] = float(value) if isinstance(value, numbers.Number) and not isinstance(value, (bool, int)) \
            else value
    return clean


def publish(block, name, **data):
    """Publish a learner or staff action of block; an event must never break the action."""
    try:
        block.runtime.publish(block, name, _clean(name, data))
    except ValueError:
        raise
    except Exception:  # pylint: disable=broad-except
        log.warning("elsx: could not publish %s", name, exc_info=True)


def emit(name, **data):
    """An action with no block to publish through: straight to the tracking log."""
    try:
        compat.emit_tracking_event(name, _clean(name, data))
    except ValueError:
        raise
    except Exception:  # pylint: disable=broad-except
        log.warning("elsx: could not emit %s", name, exc_info=True)
