"""Helpers for the cohort dashboard tests: profiles, topic rows, blocks, GET downloads."""
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.utils import timezone
from webob import Request

from elsx.cohort.schedule import Schedule
from elsx.curriculum import get_curriculum
from elsx.models import Certificate, LearnerProfile, TopicProgress

COURSE = "course-v1:ELSX+EXEC101+demo"
STAFF = "instructor"


def start_days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def cohort_xml(start=None):
    start = start_days_ago(24) if start is None else start
    return f'<elsx_cohort cohort_start="{start}"/>'


def add_learner(learner_id, done=(), course=COURSE, last_activity=None, certificate=None, **fields):
    """A profile with the given topic ids complete (summary columns kept consistent)."""
    curriculum = get_curriculum()
    now = timezone.now()
    last_activity = now - timedelta(days=1) if last_activity is None else last_activity
    hours = sum((curriculum.topic(topic_id).hours for topic_id in done), Decimal("0"))
    defaults = {"full_name": f"Learner {learner_id}", "email": f"{learner_id}@example.org", "agency": "Metro PD",
                "role": "le_executive"}
    defaults.update(fields)
    profile = LearnerProfile.objects.create(
        course_key=course, learner_id=learner_id, topics_completed=len(done), hours_earned=hours,
        first_activity_at=last_activity if last_activity else None, last_activity_at=last_activity or None,
        completed_at=last_activity if len(done) == len(curriculum.topics) else None, **defaults)
    for topic_id in done:
        TopicProgress.objects.create(course_key=course, learner_id=learner_id, topic_id=topic_id,
                                     first_viewed_at=last_activity, check_passed_at=last_activity,
                                     reflection_saved_at=last_activity, completed_at=last_activity, attempts=1,
                                     best_score=100, reflection="We will change our intake protocol.")
    if certificate:
        add_certificate(profile, certificate)
    return profile


def add_certificate(profile, status=Certificate.STATUS_VALID, number=None, generation=1):
    curriculum = get_curriculum()
    return Certificate.objects.create(
        number=number or f"T{Certificate.objects.count() + 1:07d}{generation}",
        course_key=profile.course_key, learner_id=profile.learner_id, generation=generation, status=status,
        legal_name=profile.legal_name or profile.full_name, agency=profile.agency, role=profile.role,
        state_training_id=profile.state_training_id, state=profile.state, course_title=curriculum.title,
        course_number="ELS-MEC-101", provider_name="Provider", credit_hours=curriculum.hours,
        credit_type="In-service", delivery_method="Online, asynchronous",
        started_on=timezone.localdate() - timedelta(days=30), completed_on=timezone.localdate(),
        issued_at=timezone.now(), pdf_path="", pdf_sha256="")


def first_topics(count):
    return tuple(get_curriculum().topic_ids()[:count])


def schedule(days_since_start=24, now=None):
    now = now or timezone.now()
    start = timezone.localdate(now) - timedelta(days=days_since_start) if days_since_start is not None else None
    return Schedule.build(start, now=now)


def get(block, handler, args=None):
    """A GET request to a raw handler (CSV downloads): (status, headers, body bytes)."""
    request = Request.blank("/" + ("?" + urlencode(args) if args else ""), method="GET")
    response = block.runtime.handle(block, handler, request)
    return response.status_code, response.headers, response.body


def token_of(url):
    """The token of a download URL (the only thing a download URL carries)."""
    from urllib.parse import parse_qs, urlsplit
    query = parse_qs(urlsplit(url).query)
    assert set(query) <= {"token", "student"}, url  # no filter in the URL
    return query["token"][0]


def download(block, args, extra=None):
    """Export as the dashboard does, then GET its download URL: (status, headers, body bytes).

    args are the old-style query: {"kind": ..., "profile": ...}, the roster's grid filters, or {"job": id}.
    A refusal by the export handler comes back as its status and JSON body.
    """
    import json
    from tests.conftest import call
    args = dict(args)
    if "job" in args:
        status, body = call(block, "export_status", {"job": args.pop("job")})
    else:
        kind = args.pop("kind", "roster")
        request = {"kind": kind, "grid": args} if kind == "roster" else dict(args, kind=kind)
        status, body = call(block, "export", request)
    if status != 200 or "url" not in body:
        return (status if status != 200 else 404), {}, json.dumps(body).encode("utf-8")
    return get(block, "download", dict({"token": token_of(body["url"])}, **(extra or {})))
