"""Learner retirement: reflections, profile fields and certificates, through the platform's signals."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.dispatch import Signal
from django.utils import timezone

from elsx import compat, retirement
from elsx.models import Certificate, LearnerProfile, TopicProgress
from tests.conftest import complete_topic

COURSE = "course-v1:ELSX+EXEC101+demo"
OTHER_COURSE = "course-v1:ELSX+EXEC101+2027"
REFLECTION = "Our agency will review its intake policy this quarter."


def certificate(learner_id, number, course_key=COURSE, status=Certificate.STATUS_VALID, generation=1, **extra):
    now = timezone.now()
    values = dict(
        number=number, course_key=course_key, learner_id=learner_id, generation=generation, status=status,
        legal_name="Jordan Q. Example", agency="Metro PD", role="le_executive", state_training_id="TX-12345",
        state="TX", course_title="Executive Leadership Series", provider_name="Provider", credit_hours=Decimal("11.0"),
        credit_type="In-service", delivery_method="Online, asynchronous", completed_on=datetime.date(2026, 11, 1),
        issued_at=now, pdf_path=f"elsx/{number}.pdf", pdf_sha256="0" * 64)
    values.update(extra)
    return Certificate.objects.create(**values)


@pytest.fixture
def learner(make_block):
    """Learner 42 with a completed topic, a full profile and certificates; learner 43 alongside."""
    for user_id in ("42", "43"):
        block = make_block('<elsx_topic topic_id="vulnerable-populations"/>', user_id)
        complete_topic(block, REFLECTION)
    LearnerProfile.objects.filter(learner_id="42").update(
        legal_name="Jordan Q. Example", agency="Metro PD", state_training_id="TX-12345", state="TX")
    LearnerProfile.objects.create(course_key=OTHER_COURSE, learner_id="42", full_name="Jordan Example",
                                  email="j@example.org")
    old = certificate("42", "AAAA1111BBBB2222", status=Certificate.STATUS_SUPERSEDED)
    certificate("42", "CCCC3333DDDD4444", generation=2)
    certificate("42", "EEEE5555FFFF6666", course_key=OTHER_COURSE)
    certificate("43", "GGGG7777HHHH8888")
    return old


def snapshot():
    rows = []
    for model in (TopicProgress, LearnerProfile, Certificate):
        for row in model.objects.order_by("pk").values():
            row.pop("updated_at", None)
            rows.append((model.__name__, row))
    return rows


def assert_retired(learner_id, course_keys):
    for row in TopicProgress.objects.filter(learner_id=learner_id, course_key__in=course_keys):
        assert row.reflection == "" and row.completed_at is not None  # progress itself stays
    for profile in LearnerProfile.objects.filter(learner_id=learner_id, course_key__in=course_keys):
        assert all(getattr(profile, name) == "" for name in retirement.PROFILE_FIELDS)
        assert profile.retired_at is not None
    for cert in Certificate.objects.filter(learner_id=learner_id, course_key__in=course_keys):
        assert cert.legal_name == "" and cert.state_training_id == "" and cert.number
        assert cert.status in (Certificate.STATUS_REVOKED, Certificate.STATUS_SUPERSEDED)


def test_retire_scrubs_everything_personal(learner):
    result = retirement.retire_learner("42")
    assert result.reflections == 1 and result.certificates_revoked == 2 and result.certificates_scrubbed == 3
    assert_retired("42", [COURSE, OTHER_COURSE])
    current = Certificate.objects.get(number="CCCC3333DDDD4444")
    assert (current.status, current.revoke_reason) == (Certificate.STATUS_REVOKED, "learner retired")
    assert current.revoked_by == "retirement"
    assert current.revoked_at is not None
    assert Certificate.objects.get(number="AAAA1111BBBB2222").status == Certificate.STATUS_SUPERSEDED
    # The other learner is untouched.
    other = Certificate.objects.get(number="GGGG7777HHHH8888")
    assert other.status == Certificate.STATUS_VALID and other.legal_name == "Jordan Q. Example"
    assert TopicProgress.objects.get(learner_id="43").reflection == REFLECTION
    assert LearnerProfile.objects.get(learner_id="43").retired_at is None


def test_retiring_twice_is_harmless(learner):
    retirement.retire_learner("42")
    before = snapshot()
    result = retirement.retire_learner("42")
    assert result == retirement.Retired(0, 0, 0, 0, 0)
    assert snapshot() == before


def test_retirement_deletes_the_stored_pdfs_that_print_the_name(learner, settings, tmp_path):
    from django.core.files.base import ContentFile
    from elsx.storage import get_storage
    settings.MEDIA_ROOT = str(tmp_path / "media")  # elsx's private folder is tmp_path / "elsx-private"
    for cert in Certificate.objects.all():
        get_storage().save(cert.pdf_path, ContentFile(b"%PDF-1.7 Jordan Q. Example"))
    result = retirement.retire_learner("42")
    assert result.files_deleted == 3
    for cert in Certificate.objects.filter(learner_id="42"):
        assert cert.pdf_path == ""
    assert not list((tmp_path / "elsx-private" / "elsx").glob("[ACE]*.pdf"))
    kept = Certificate.objects.get(number="GGGG7777HHHH8888")
    assert get_storage().exists(kept.pdf_path)
    assert retirement.retire_learner("42").files_deleted == 0


def test_retire_in_one_course_only(learner):
    retirement.retire_learner("42", course_key=COURSE)
    assert_retired("42", [COURSE])
    other = LearnerProfile.objects.get(learner_id="42", course_key=OTHER_COURSE)
    assert other.full_name == "Jordan Example" and other.retired_at is None
    assert Certificate.objects.get(number="EEEE5555FFFF6666").status == Certificate.STATUS_VALID


def test_earlier_revocation_keeps_its_reason(learner):
    Certificate.objects.filter(number="CCCC3333DDDD4444").update(
        status=Certificate.STATUS_REVOKED, revoke_reason="issued in error", revoked_at=timezone.now())
    retirement.retire_learner("42")
    assert Certificate.objects.get(number="CCCC3333DDDD4444").revoke_reason == "issued in error"


def test_a_retired_learner_visiting_again_is_not_refilled(learner, make_block):
    retirement.retire_learner("42")
    make_block('<elsx_topic topic_id="emerging-trends"/>', "42").render("student_view")
    profile = LearnerProfile.objects.get(learner_id="42", course_key=COURSE)
    assert profile.full_name == "" and profile.email == ""


def test_unknown_learner_is_a_no_op(db):
    assert retirement.retire_learner("nobody") == retirement.Retired(0, 0, 0, 0)


def test_platform_signals_retire_the_user(learner, monkeypatch):
    critical, misc = Signal(), Signal()
    monkeypatch.setattr(compat, "retirement_signals", lambda: [critical, misc])
    try:
        assert retirement.connect_signals() == 2
        assert retirement.connect_signals() == 2  # connecting again adds no second receiver
        assert len(critical.receivers) == 1
        user = SimpleNamespace(id=42, username="jordan")
        critical.send(sender=None, user=user)
        assert_retired("42", [COURSE, OTHER_COURSE])
        before = snapshot()
        misc.send(sender=None, user=user)  # the platform sends both
        assert snapshot() == before
        misc.send(sender=None)  # no user: nothing to do
    finally:
        critical.disconnect(dispatch_uid="elsx-retirement")
        misc.disconnect(dispatch_uid="elsx-retirement")


def test_user_maps_to_learner_id_like_the_runtime(make_block):
    block = make_block('<elsx_topic topic_id="emerging-trends"/>', "42")
    assert compat.learner_id_for_user(SimpleNamespace(id=42)) == compat.learner_from_runtime(block).id
