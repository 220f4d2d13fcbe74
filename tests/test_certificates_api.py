"""Claiming and issuing: eligibility edges, validation, idempotence, fault order, revoke and reissue."""
import hashlib
from decimal import Decimal

import pytest
from elsx.storage import get_storage

from elsx.certificates import api, numbers
from elsx.errors import Conflict, InvalidInput, NotAllowed, NotFound, Unavailable
from elsx.models import Certificate, LearnerProfile
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, learner, mark_claimed, media  # noqa: F401

pytestmark = pytest.mark.django_db


def stored_files(root):
    folder = root / "elsx" / "certificates"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_one_topic_missing_is_not_eligible_and_says_which(media):
    who = complete_topics("learner-1", skip=("vulnerable-populations",))
    with pytest.raises(NotAllowed) as caught:
        api.claim(COURSE, who, **CLAIM)
    assert caught.value.extra["missing"] == ["topic:vulnerable-populations"]
    assert "Vulnerable" in caught.value.message or "vulnerable" in caught.value.message.lower()
    assert Certificate.objects.count() == 0
    assert stored_files(media) == []
    # Nothing about the claim is stored either.
    assert LearnerProfile.objects.get(learner_id="learner-1").legal_name == ""


def test_all_topics_complete_issues_a_certificate_with_the_snapshot(media):
    who = complete_topics("learner-1")
    cert = api.claim(COURSE, who, **CLAIM)
    assert cert.pk and cert.status == "valid" and cert.generation == 1
    assert cert.credit_hours == Decimal("11.00")
    assert cert.legal_name == CLAIM["legal_name"] and cert.agency == CLAIM["agency"]
    assert cert.role == "le_executive" and cert.state_training_id == "P-0042117" and cert.state == "CA"
    assert cert.course_number == "ELS-MEC-101" and cert.credit_type == "In-service"
    assert cert.completed_on is not None and cert.started_on is not None
    assert numbers.normalize(cert.number) == cert.number
    data = get_storage().open(cert.pdf_path, "rb").read()
    assert hashlib.sha256(data).hexdigest() == cert.pdf_sha256
    assert api.read_pdf(cert) == data
    profile = LearnerProfile.objects.get(learner_id="learner-1")
    assert profile.legal_name == CLAIM["legal_name"] and profile.claimed_at is not None


def test_claiming_twice_returns_the_first_certificate_unchanged(media):
    who = complete_topics("learner-1")
    first = api.claim(COURSE, who, **CLAIM)
    second = api.claim(COURSE, who, **dict(CLAIM, legal_name="Someone Else"))
    assert second.pk == first.pk and second.legal_name == CLAIM["legal_name"]
    assert Certificate.objects.count() == 1 and len(stored_files(media)) == 1


@pytest.mark.parametrize("field,value", [
    ("legal_name", ""), ("legal_name", "   \t "), ("legal_name", "x" * 201), ("legal_name", "Dana\x00Smith"),
    ("legal_name", "Dana\u0007"), ("agency", ""), ("agency", "A" * 201), ("agency", "Line\x1bbreak"),
    ("role", "sheriff"), ("role", ""), ("state_training_id", "9" * 65), ("state_training_id", "ID\x7f"),
    ("state", "Z" * 65), ("legal_name", 42),
])
def test_bad_claim_input_names_the_field_and_stores_nothing(media, field, value):
    who = complete_topics("learner-1")
    before = LearnerProfile.objects.values().get(learner_id="learner-1")
    with pytest.raises(InvalidInput) as caught:
        api.claim(COURSE, who, **dict(CLAIM, **{field: value}))
    assert caught.value.field == field
    assert caught.value.status == 400
    assert LearnerProfile.objects.values().get(learner_id="learner-1") == before
    assert Certificate.objects.count() == 0 and stored_files(media) == []


def test_a_state_id_needs_its_state(media):
    who = complete_topics("learner-1")
    with pytest.raises(InvalidInput) as caught:
        api.claim(COURSE, who, **dict(CLAIM, state=""))
    assert caught.value.field == "state"


def test_unicode_names_are_valid(media):
    who = complete_topics("learner-1")
    name = "Nguyễn Thị Minh Khai محمد שרה 王小明"
    cert = api.claim(COURSE, who, **dict(CLAIM, legal_name=name))
    assert cert.legal_name == name


def test_storage_failure_leaves_no_row_and_a_retry_succeeds(media, monkeypatch):
    who = complete_topics("learner-1")

    def broken_save(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(get_storage(), "save", broken_save)
    with pytest.raises(Unavailable):
        api.claim(COURSE, who, **CLAIM)
    assert Certificate.objects.count() == 0
    monkeypatch.undo()
    cert = api.claim(COURSE, who, **CLAIM)
    assert Certificate.objects.get().pk == cert.pk and len(stored_files(media)) == 1


def test_render_failure_leaves_no_row_and_no_file(media, monkeypatch):
    who = complete_topics("learner-1")

    def broken_render(prepared):
        raise RuntimeError("renderer crashed")
    monkeypatch.setattr(api, "render_pdf", broken_render)
    with pytest.raises(Unavailable):
        api.claim(COURSE, who, **CLAIM)
    assert Certificate.objects.count() == 0 and stored_files(media) == []


def test_a_lost_insert_race_deletes_its_file_and_returns_the_winner(media, monkeypatch):
    who = complete_topics("learner-1")
    winner = api.claim(COURSE, who, **CLAIM)
    # Simulate the second request having checked before the winner's insert.
    monkeypatch.setattr(api, "current_certificate", lambda course_key, learner_id: None)
    again = api.issue(COURSE, "learner-1")
    assert again.pk == winner.pk
    assert stored_files(media) == [winner.pdf_path.rsplit("/", 1)[-1]]


def test_issue_without_a_claim_is_refused(media):
    complete_topics("learner-1")
    with pytest.raises(NotAllowed) as caught:
        api.issue(COURSE, "learner-1")
    assert caught.value.extra["missing"] == ["claim"]


def test_revoke_keeps_reason_and_date_and_blocks_a_second_revoke(media):
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    with pytest.raises(InvalidInput) as caught:
        api.revoke(cert.number, "  ", by="instructor")
    assert caught.value.field == "reason"
    revoked = api.revoke(numbers.display(cert.number).lower(), "Completion records were falsified.", by="instructor")
    assert revoked.status == "revoked" and revoked.revoked_at is not None
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.revoke_reason, stored.revoked_by) == ("Completion records were falsified.", "instructor")
    with pytest.raises(Conflict):
        api.revoke(cert.number, "again", by="instructor")
    # A revoked learner claiming again gets the revoked record, not a fresh certificate.
    assert api.claim(COURSE, learner("learner-1"), **CLAIM).pk == cert.pk


def test_revoked_then_reinstated_gives_a_new_valid_certificate_pointing_back(media):
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    api.revoke(cert.number, "Issued under the wrong name.", by="instructor")
    with pytest.raises(Conflict):  # revocation is final: a reissue can't undo it
        api.reissue(cert.number, by="instructor", legal_name="Dana M. Okonkwo")
    new = api.reinstate(cert.number, "Revoked the wrong learner.", by="instructor")
    old = Certificate.objects.get(pk=cert.pk)
    assert new.status == "valid" and new.generation == 2 and new.legal_name == CLAIM["legal_name"]
    assert old.status == "revoked" and old.superseded_by_id == new.pk
    assert api.current_certificate(COURSE, "learner-1").pk == new.pk
    assert new.completed_on == old.completed_on and new.credit_hours == old.credit_hours


def test_reissue_supersedes_and_keeps_the_old_record_and_file(media):
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    old_bytes = api.read_pdf(cert)
    new = api.reissue(numbers.display(cert.number), by="instructor", agency="Riverside County Sheriff")
    old = Certificate.objects.get(pk=cert.pk)
    assert old.status == "superseded" and old.superseded_by_id == new.pk
    assert old.agency == CLAIM["agency"] and api.read_pdf(old) == old_bytes
    assert new.agency == "Riverside County Sheriff" and new.number != old.number
    assert LearnerProfile.objects.get(learner_id="learner-1").agency == "Riverside County Sheriff"
    with pytest.raises(Conflict):
        api.reissue(cert.number, by="instructor", agency="Again")
    with pytest.raises(InvalidInput) as caught:
        api.reissue(new.number, by="instructor", legal_name="")
    assert caught.value.field == "legal_name"
    with pytest.raises(InvalidInput):
        api.reissue(new.number, by="instructor", email="x@example.org")


def test_unknown_and_malformed_numbers_are_not_found(media):
    with pytest.raises(NotFound):
        api.verify("nonsense")
    with pytest.raises(NotFound):
        api.verify(numbers.display(numbers.generate()))


def test_a_tampered_file_fails_the_integrity_check(media):
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    path = media / cert.pdf_path
    path.write_bytes(path.read_bytes() + b"%tampered")
    with pytest.raises(Unavailable):
        api.read_pdf(cert)


def test_issue_for_course_counts_each_outcome(media):
    for learner_id in ("a", "b", "c"):
        complete_topics(learner_id)
        mark_claimed(learner_id)
    complete_topics("unclaimed")
    complete_topics("partial", skip=("vulnerable-populations",))
    mark_claimed("partial")
    api.issue(COURSE, "a")
    counts = api.issue_for_course(COURSE)
    assert counts == {"issued": 2, "already_issued": 1, "not_eligible": 1, "not_claimed": 1, "failed": 0}
    assert Certificate.objects.filter(course_key=COURSE).count() == 3
    assert api.issue_for_course(COURSE)["already_issued"] == 3
