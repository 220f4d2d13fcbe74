"""Demo agencies at every readiness state (idempotent: seeds only when there are none)."""
import datetime

from django.utils import timezone

from elsx.agency import api
from elsx.agency.models import Agency, Attestation

STAFF = "staff"


def _attest_all(course_key, learner_id, kind, accept=True, completed=None):
    training = "psap_course" if kind == "psap" else "ceomec"
    today = timezone.localdate()
    evidence = {
        "executive": {"training": training, "completed_on": (today - datetime.timedelta(days=200)).isoformat()},
        "policy": {"policy_name": "Missing and Exploited Children Response", "responders_trained": True,
                   "adopted_on": (today - datetime.timedelta(days=120)).isoformat(),
                   "quality_assurance": "A supervisor reviews every missing-child call and report within one shift."},
        "personnel": {"personnel": 48, "completed": 48 if completed is None else completed},
    }
    for criterion, data in evidence.items():
        api.attest(course_key, learner_id, criterion, data)
        if accept:
            current = Attestation.objects.get(agency=api.agency_of(course_key, learner_id), criterion=criterion)
            api.review(current.agency_id, criterion, current.version, True, "", STAFF)


def seed_agencies(course_key):
    if Agency.objects.exists():
        return 0
    api.link_learner(course_key, "graduate", "Riverside County Sheriff's Office", "law_enforcement", "CA",
                             True)
    _attest_all(course_key, "graduate", "law_enforcement")
    api.link_learner(course_key, "partway", "Lakeview Police Department", "law_enforcement", "MN", True)
    api.attest(course_key, "partway", "executive", {"training": "mkrp_online", "completed_on":
                                                    (timezone.localdate() - datetime.timedelta(days=30)).isoformat()})
    api.link_learner(course_key, "demo-psap", "Tri-County 911 Communications", "psap", "OH", True)
    _attest_all(course_key, "demo-psap", "psap", accept=False, completed=31)
    api.link_learner(course_key, "demo-new", "Harbor City Police Department", "law_enforcement", "WA", True)
    member = api.link_learner(course_key, "demo-member", "Mesa Verde County Sheriff", "law_enforcement", "CO", True)
    _attest_all(course_key, "demo-member", "law_enforcement")
    # A member recognised almost five years ago: its renewal falls inside the 90-day window.
    since = timezone.localdate().replace(year=timezone.localdate().year - 5) + datetime.timedelta(days=40)
    api.record_membership(member.pk, since.isoformat(), STAFF)
    return Agency.objects.count()
