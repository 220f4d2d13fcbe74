"""Learner retirement: remove a learner's personal data when the platform retires their account.

Reflections are emptied, capstone plans deleted, profile fields scrubbed, and certificates revoked
with their snapshot name removed and their stored PDFs (which print the
name) deleted, and every stored export of the learner's courses (rosters list
every learner) deleted. Certificate numbers stay, so a verification
request for one says "revoked" rather than "not found". Safe to run again.
"""
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from elsx import compat, events, storage
from elsx.audit import api as audit
from elsx.capstone import api as capstone
from elsx.models import Certificate, FinalGrant, LearnerProfile, ReviewSubmission, TopicProgress

log = logging.getLogger(__name__)

RETIRED_REASON = "learner retired"
PROFILE_FIELDS = ("full_name", "email", "username", "legal_name", "agency", "state_training_id", "state")
# pdf_path: the stored PDF prints the name, so the file goes too (see _delete_files).
# The signed credentials carry the name (and the state ID): they go, and the status list says revoked.
CERTIFICATE_FIELDS = ("legal_name", "state_training_id", "pdf_path", "credential", "public_credential")


@dataclass(frozen=True)
class Retired:
    """How many rows changed: all zero on a second run."""
    reflections: int
    profiles: int
    certificates_revoked: int
    certificates_scrubbed: int
    files_deleted: int = 0
    plans: int = 0
    reviews: int = 0  # capstone submissions and grant reasons emptied (free text about the learner)


def retire_learner(learner_id, course_key=None):
    """Scrub one learner's personal data, in every course or only in course_key."""
    scope = {"learner_id": str(learner_id)}
    if course_key is not None:
        scope["course_key"] = str(course_key)
    now = timezone.now()
    with transaction.atomic():
        reflections = TopicProgress.objects.filter(**scope).exclude(reflection="").update(reflection="")
        profiles = LearnerProfile.objects.filter(**scope).filter(_any_filled(PROFILE_FIELDS)).update(
            **dict.fromkeys(PROFILE_FIELDS, ""))
        profiles += LearnerProfile.objects.filter(**scope, retired_at__isnull=True).update(retired_at=now)
        # Superseded issues stay superseded and earlier revocations keep their reason.
        revoking = list(Certificate.objects.filter(**scope, status=Certificate.STATUS_VALID)
                        .values_list("number", "course_key"))
        revoked = Certificate.objects.filter(**scope, status=Certificate.STATUS_VALID).update(
            status=Certificate.STATUS_REVOKED, revoked_at=now, revoke_reason=RETIRED_REASON, revoked_by="retirement")
        # Every issue loses the name and the state training id printed on it, and its file.
        paths = list(Certificate.objects.filter(**scope).exclude(pdf_path="").values_list("pdf_path", flat=True))
        courses = ([scope["course_key"]] if course_key is not None else
                   list(LearnerProfile.objects.filter(**scope).values_list("course_key", flat=True)))
        scrubbed = Certificate.objects.filter(**scope).filter(_any_filled(CERTIFICATE_FIELDS)).update(
            **dict.fromkeys(CERTIFICATE_FIELDS, ""))
        status_lists = set(Certificate.objects.filter(**scope).exclude(status_list=None)
                           .values_list("status_list", flat=True))
        reviews = ReviewSubmission.objects.filter(**scope).filter(_any_filled(("text", "comment"))).update(
            text="", comment="")
        reviews += FinalGrant.objects.filter(**scope).exclude(reason="").update(reason="")
        audit.forget_learner(scope["learner_id"], course_key)
        if course_key is None:  # attestations belong to an agency, not a course
            from elsx.agency import api as agency_api  # local: agency reads progress tables
            agency_api.retire_learner(scope["learner_id"])
        # A capstone plan names people and places throughout: it goes entirely.
        plans = capstone.erase_for_learner(scope["learner_id"], scope.get("course_key"))
    # Files go after the commit: a rolled-back retirement must not lose them.
    if revoked:  # the status lists say so too (the credentials' holders may still show them)
        from elsx.certificates import api as certificates  # pylint: disable=import-outside-toplevel
        for number in status_lists:
            certificates.republish_status_list(number)
    result = Retired(reflections, profiles, revoked, scrubbed, _delete_files(paths) + _delete_exports(courses),
                     plans=plans, reviews=reviews)
    for number, course in revoking:
        events.emit(events.CERTIFICATE_REVOKED, certificate_number=number, learner_id=scope["learner_id"],
                    course_key=course, by_retirement=True)
    log.info("elsx: retired learner %s in %s: %s", scope["learner_id"], course_key or "every course", result)
    return result


def _delete_files(paths):
    deleted = 0
    for path in paths:
        try:
            deleted += storage.delete(path)
        except OSError as exc:
            # Logged without the path's owner; an operator can find it by number.
            log.warning("elsx: could not delete a retired learner's certificate file: %s", type(exc).__name__)
    return deleted


def _delete_exports(course_keys):
    from elsx.cohort import jobs  # pylint: disable=import-outside-toplevel  (cohort imports progress)
    return sum(jobs.purge_course(key) for key in course_keys)


def _any_filled(fields):
    condition = Q()
    for name in fields:
        condition |= ~Q(**{name: ""})
    return condition


def on_user_retired(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """Receiver for the LMS retirement signals, which send the Django user."""
    if user is None:
        return
    retire_learner(compat.learner_id_for_user(user))


def connect_signals(signals=None):
    """Connect on_user_retired to the platform's retirement signals (none outside edx-platform)."""
    signals = compat.retirement_signals() if signals is None else signals
    for signal in signals:
        signal.connect(on_user_retired, dispatch_uid="elsx-retirement")
    return len(signals)
