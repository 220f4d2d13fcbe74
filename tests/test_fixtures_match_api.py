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


def _comparable(model, learner_id, skip=("id", "learner_id", "updated_at", "full_name", "email", "username")):
    rows = model.objects.filter(learner_id=learner_id)
    rows = rows.order_by("topic_id") if model is TopicProgress else rows
    return [{k: v for k, v in row.items() if k not in skip} for row in rows.values()]


@pytest.mark.parametrize("done", [0, 3, 10])
def test_direct_cohort_rows_equal_what_the_api_writes(done):
    """add_learner_rows (speed) against add_learner (the progress API): the same columns, timestamps
    within the minute the API spreads one topic's steps over."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.cohort_helpers import add_learner, add_learner_rows, first_topics
    moment = timezone.now() - timedelta(days=2)
    add_learner("via-api", done=first_topics(done), last_activity=moment)
    add_learner_rows("via-rows", done=first_topics(done), last_activity=moment)
    for model in (LearnerProfile, TopicProgress):
        api_rows, direct_rows = _comparable(model, "via-api"), _comparable(model, "via-rows")
        assert len(api_rows) == len(direct_rows) == (1 if model is LearnerProfile else done)
        for by_api, direct in zip(api_rows, direct_rows):
            assert by_api.keys() == direct.keys()
            for key, value in by_api.items():
                if hasattr(value, "tzinfo") and value is not None:
                    assert direct[key] is not None and abs(direct[key] - value) < timedelta(minutes=1), key
                else:
                    assert direct[key] == value, key
