"""Fixtures and helpers shared by the certificate tests (kept out of conftest.py, which other work owns)."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from webob import Request

from elsx.curriculum import get_curriculum
from elsx.learners import Learner
from elsx.models import LearnerProfile
from tests.clock import fake_clock
from tests.progress_helpers import complete_topic

COURSE = "course-v1:ELSX+EXEC101+demo"
CLAIM = {"legal_name": "Dana María Okonkwo-Sánchez", "agency": "Riverside County Sheriff's Office",
         "role": "le_executive", "state_training_id": "P-0042117", "state": "CA"}


@pytest.fixture
def media(settings, tmp_path):
    """A throwaway MEDIA_ROOT, so no file lands in var/; returns elsx's private folder beside it
    (elsx.storage's default), where certificate PDFs and exports are stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org", "VERIFY_RATE_LIMIT": 1000}
    return tmp_path / "elsx-private"


def learner(learner_id="learner-1", full_name="Dana Okonkwo", staff=False):
    return Learner(id=learner_id, full_name=full_name, email=f"{learner_id}@example.org", username=learner_id,
                   is_staff=staff)


def complete_topics(learner_id="learner-1", skip=(), course_key=COURSE, full_name="Dana Okonkwo", days_apart=1):
    """Complete every topic (but those in skip) through elsx.progress, one topic a day.

    A fake clock gives every write its own moment: topic i is done on day i, the
    last one yesterday, so a swapped start and completion date shows.
    """
    who = learner(learner_id, full_name)
    topics = [topic for topic in get_curriculum().topics if topic.id not in skip]
    first_day = timezone.now() - timedelta(days=days_apart * len(topics))
    with fake_clock(first_day) as clock:
        for index, topic in enumerate(topics):
            clock.set(first_day + timedelta(days=days_apart * index))
            complete_topic(course_key, who, topic)
    return who


def mark_claimed(learner_id, course_key=COURSE, **fields):
    values = dict(CLAIM, **fields)
    LearnerProfile.objects.filter(course_key=course_key, learner_id=learner_id).update(
        claimed_at=timezone.now(), **values)


def handler_get(block, handler, query=""):
    request = Request.blank("/" + (f"?{query}" if query else ""), method="GET")
    response = block.runtime.handle(block, handler, request)
    return response


def parse_json(response):
    return json.loads(response.body.decode("utf-8"))
