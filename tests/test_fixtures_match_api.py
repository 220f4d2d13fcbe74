"""Fixtures that write rows directly must write what the public API writes."""
import pytest

from elsx.certificates import api
from elsx.models import LearnerProfile, TopicProgress
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, mark_claimed, media  # noqa: F401

pytestmark = pytest.mark.django_db

CLAIM_COLUMNS = ("legal_name", "agency", "role", "state_training_id", "state")


def test_mark_claimed_writes_what_claim_writes(media, monkeypatch):
    monkeypatch.setattr(api, "render_pdf", lambda prepared: b"%PDF-1.7 stub")
    by_api = complete_topics("by-api")
    api.claim(COURSE, by_api, **CLAIM)
    complete_topics("by-hand")
    mark_claimed("by-hand")
    rows = {row.learner_id: row for row in LearnerProfile.objects.filter(learner_id__in=["by-api", "by-hand"])}
    assert rows["by-hand"].claimed_at is not None and rows["by-api"].claimed_at is not None
    assert ([getattr(rows["by-hand"], c) for c in CLAIM_COLUMNS] == [getattr(rows["by-api"], c) for c in CLAIM_COLUMNS])


def test_complete_topics_spreads_the_work_over_distinct_days():
    complete_topics("spread")
    profile = LearnerProfile.objects.get(learner_id="spread")
    rows = list(TopicProgress.objects.filter(learner_id="spread").order_by("completed_at"))
    assert profile.topics_completed == len(rows) == 10 and profile.completed_at == rows[-1].completed_at
    days = [row.completed_at.date() for row in rows]
    assert len(set(days)) == 10
    stamps = [stamp for row in rows for stamp in (row.first_viewed_at, row.check_passed_at, row.completed_at)]
    assert len(set(stamps)) == len(stamps)
