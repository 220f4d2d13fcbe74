"""Helpers for the cohort dashboard tests: profiles, topic rows, blocks, GET downloads."""
import tempfile
from datetime import timedelta
from decimal import Decimal
from unittest import mock
from urllib.parse import urlencode

from django.test import override_settings
from django.utils import timezone
from webob import Request

from elsx import progress
from elsx.cohort.schedule import Schedule
from elsx.curriculum import get_curriculum
from elsx.learners import Learner
from elsx.models import Certificate, LearnerProfile, TopicProgress
from tests.clock import fake_clock
from tests.progress_helpers import REFLECTION, complete_topic, correct_answers

COURSE = "course-v1:ELSX+EXEC101+demo"
STAFF = "instructor"
_MEDIA = tempfile.TemporaryDirectory(prefix="elsx-cohort-media-")  # removed at exit


def start_days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def cohort_xml(start=None):
    start = start_days_ago(24) if start is None else start
    return f'<elsx_cohort cohort_start="{start}"/>'


def _learner(learner_id, fields):
    return Learner(id=learner_id, full_name=fields.pop("full_name", f"Learner {learner_id}"),
                   email=fields.pop("email", f"{learner_id}@example.org"), username=learner_id)


def add_learner(learner_id, done=(), course=COURSE, last_activity=None, certificate=None, **fields):
    """A learner who completed the given topics through elsx.progress, the last action at last_activity.

    A fake clock runs the topics ten minutes apart, ending an hour before
    last_activity (default: a day ago), then a visit at last_activity itself.
    last_activity=False: never active. Profile fields the API doesn't own
    (agency, role, claim details) are written directly, as a claim would.
    """
    curriculum = get_curriculum()
    fields = dict({"agency": "Metro PD", "role": "le_executive"}, **fields)
    who = _learner(learner_id, fields)
    profile = progress.ensure_profile(course, who)
    LearnerProfile.objects.filter(pk=profile.pk).update(**fields)
    if last_activity is not False:
        last_activity = timezone.now() - timedelta(days=1) if last_activity is None else last_activity
        first = last_activity - timedelta(hours=1) - timedelta(minutes=10) * len(done)
        with fake_clock(first) as clock:
            for index, topic_id in enumerate(done):
                clock.set(first + timedelta(minutes=10) * index)
                complete_topic(course, who, curriculum.topic(topic_id))
            clock.set(last_activity)
            if done:
                # A visit is not activity any more (issue 11): the learner was last active then.
                LearnerProfile.objects.filter(pk=profile.pk).update(last_activity_at=last_activity)
            else:
                LearnerProfile.objects.filter(pk=profile.pk).update(first_activity_at=last_activity,
                                                                    last_activity_at=last_activity)
    profile.refresh_from_db()
    if certificate:
        add_certificate(profile, certificate)
    return profile


def add_learner_rows(learner_id, done=(), course=COURSE, last_activity=None, **fields):
    """add_learner's rows written directly, for large cohorts (test_fixtures_match_api proves them equal)."""
    curriculum = get_curriculum()
    last_activity = timezone.now() - timedelta(days=1) if last_activity is None else last_activity
    fields = dict({"agency": "Metro PD", "role": "le_executive", "full_name": f"Learner {learner_id}",
                   "email": f"{learner_id}@example.org", "username": learner_id}, **fields)
    first = last_activity - timedelta(hours=1) - timedelta(minutes=10) * len(done)
    completed = {topic_id: first + timedelta(minutes=10) * index for index, topic_id in enumerate(done)}
    profile = LearnerProfile.objects.create(
        course_key=course, learner_id=learner_id, topics_completed=len(done),
        hours_earned=sum((curriculum.topic(t).hours for t in done), Decimal("0")),
        first_activity_at=first if done else last_activity, last_activity_at=last_activity,
        completed_at=max(completed.values()) if len(done) == len(curriculum.topics) else None, **fields)
    TopicProgress.objects.bulk_create([TopicProgress(
        course_key=course, learner_id=learner_id, topic_id=topic_id, sections_viewed=list(topic.section_ids()),
        first_viewed_at=at, started_at=at, sections_viewed_at=at, check_passed_at=at, reflection_saved_at=at, completed_at=at,
        attempts=1, best_score=100, last_score=100, last_answers=correct_answers(topic), reflection=REFLECTION)
        for topic_id, at in completed.items() for topic in [curriculum.topic(topic_id)]])
    return profile


def add_certificate(profile, status=Certificate.STATUS_VALID):
    """Claim and issue through elsx.certificates.api (PDF rendering stubbed), then revoke or reissue."""
    from elsx.certificates import api  # pylint: disable=import-outside-toplevel
    who = Learner(id=profile.learner_id, full_name=profile.full_name, email=profile.email,
                  username=profile.username)
    claim = {"legal_name": profile.legal_name or profile.full_name, "agency": profile.agency or "Metro PD",
             "role": profile.role or "le_executive", "state_training_id": profile.state_training_id,
             "state": profile.state or ("TX" if profile.state_training_id else "")}
    with override_settings(MEDIA_ROOT=_MEDIA.name), mock.patch.object(api, "render_pdf", lambda _p: b"%PDF-stub"):
        cert = api.claim(profile.course_key, who, **claim)
        if status == Certificate.STATUS_REVOKED:
            cert = api.revoke(cert.number, "Issued in error.", by="staff-1")
        elif status == Certificate.STATUS_SUPERSEDED:
            api.reissue(cert.number, by="staff-1")
            cert.refresh_from_db()
    return cert


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
