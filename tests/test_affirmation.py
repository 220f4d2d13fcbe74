"""The affirmation at claim: required with COMMISSION, recorded with its text and time, linked to the certificate."""
import pytest

from elsx.affirmation.models import Affirmation
from elsx.models import Certificate
from tests.certificates_helpers import CLAIM, complete_topics, media  # noqa: F401
from tests.conftest import call, render

XML = "<elsx_certificate/>"


@pytest.fixture
def commission(settings, media):  # noqa: F811
    settings.ELSX = {"COMMISSION": True, "VERIFY_BASE_URL": "https://lms.example.org",
                     "AFFIRMATION_TEXT": "I did it <myself>.",
                     # Only the affirmation: the other requirements have their own tests.
                     "REVIEW_TOPICS": [], "REFLECTION_MIN_WORDS": 0, "REFLECTION_MIN_WORDS_BY_TOPIC": {}}


@pytest.fixture
def only_affirmation(monkeypatch):
    """Everything but the affirmation met, so the test is about the affirmation alone."""
    from elsx import eligibility
    original = eligibility.check

    def check(course_key, learner_id, *args, **kwargs):
        status = original(course_key, learner_id, *args, **kwargs)
        kept = tuple(req for req in status.requirements if req.key.startswith("topic:") or req.key == "affirmation")
        return type(status)(requirements=kept, hours=status.hours, progress=status.progress)
    monkeypatch.setattr(eligibility, "check", check)


def test_claim_without_affirming_is_400_and_issues_nothing(make_block, commission, only_affirmation):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    html = render(block)
    assert 'name="affirm"' in html and "I did it &lt;myself&gt;." in html
    status, body = call(block, "claim", CLAIM)
    assert status == 400 and body["field"] == "affirm"
    status, body = call(block, "claim", dict(CLAIM, affirm="yes"))
    assert status == 400 and body["field"] == "affirm"
    assert not Certificate.objects.exists() and not Affirmation.objects.exists()


def test_claim_with_affirmation_records_text_time_and_number(make_block, commission, only_affirmation):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    status, body = call(block, "claim", dict(CLAIM, affirm=True))
    assert status == 200, body
    cert = Certificate.objects.get()
    row = Affirmation.objects.get()
    assert row.text == "I did it <myself>." and row.certificate_number == cert.number and row.affirmed_at
    assert "you affirmed that you personally completed the training" in render(block)


def test_without_commission_no_affirmation_is_asked(make_block, media):  # noqa: F811
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    assert 'name="affirm"' not in render(block)
    assert call(block, "claim", CLAIM)[0] == 200 and not Affirmation.objects.exists()
