"""Record and read staff actions on certificates. Call record() inside the action's transaction."""
from django.utils import timezone

from elsx.audit.models import AuditEntry

REVOKE, REISSUE, REINSTATE = AuditEntry.ACTION_REVOKE, AuditEntry.ACTION_REISSUE, AuditEntry.ACTION_REINSTATE


def record(action, cert, by, reason="", new_number=""):
    """Add an entry for action on cert by a staff user (or id); returns it."""
    return AuditEntry.objects.create(
        action=action, course_key=cert.course_key, learner_id=cert.learner_id, number=cert.number,
        new_number=new_number, reason=reason, by=str(getattr(by, "id", by) or "")[:255], at=timezone.now())


def history(number):
    """The entries for a certificate number, oldest first."""
    return list(AuditEntry.objects.filter(number=number).order_by("at", "pk"))


def forget_learner(learner_id, course_key=None):
    """Retirement: empty the free-text reasons of a learner's entries (staff may have named them)."""
    scope = {"learner_id": str(learner_id)}
    if course_key is not None:
        scope["course_key"] = str(course_key)
    return AuditEntry.objects.filter(**scope).exclude(reason="").update(reason="")
