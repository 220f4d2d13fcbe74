"""Revocation is final: no reissue undoes it; only an explicit, audited reinstatement, never after retirement."""
import pytest

from elsx.audit import api as audit
from elsx.certificates import api, numbers
from elsx.errors import Conflict, InvalidInput
from elsx.models import AuditEntry, Certificate
from elsx.retirement import retire_learner
from tests.hostile.conftest import ALICE, ALICE_LEGAL, COURSE, STAFF, certificate_action, snapshot, staff_block

pytestmark = pytest.mark.django_db
REVOCATION_FIELDS = {"revoked_at": None, "revoke_reason": "", "revoked_by": ""}


def revocation_of(cert):
    return {field: getattr(cert, field) for field in REVOCATION_FIELDS}


@pytest.fixture
def staff(make_block):
    return staff_block(make_block)


@pytest.fixture
def revoked(world):
    return api.revoke(world.alice_number, "Issued to the wrong learner", by=STAFF)


def test_a_reissue_of_a_revoked_certificate_is_refused_with_409(staff, revoked):
    before = snapshot()
    status, payload, _raw, _headers = certificate_action(staff, "reissue", revoked.number,
                                                         legal_name="Alicia Q. Corrected")
    assert status == 409 and "revoked" in payload["error"] and "reinstate" in payload["error"]
    assert snapshot() == before


def test_a_certificate_revoked_by_retirement_is_never_reissued_or_reinstated(staff, world):
    retire_learner(ALICE, COURSE)
    cert = Certificate.objects.get(number=world.alice_number)
    assert (cert.status, cert.revoked_by) == ("revoked", api.RETIREMENT)
    before = snapshot()
    for handler, body in (("reissue", {"legal_name": "Someone Else"}), ("reinstate", {"reason": "Please"})):
        status, payload, _raw, _headers = certificate_action(staff, handler, cert.number, **body)
        assert status == 409 and "retired" in payload["error"], (handler, payload)
    assert snapshot() == before


def test_a_staff_revocation_of_a_learner_retired_later_cannot_be_reinstated(staff, revoked):
    retire_learner(ALICE, COURSE)
    assert Certificate.objects.get(pk=revoked.pk).revoked_by == STAFF  # the earlier revocation keeps its author
    status, payload, _raw, _headers = certificate_action(staff, "reinstate", revoked.number, reason="Undo")
    assert status == 409 and "retired" in payload["error"]


def test_reinstate_needs_a_reason_and_a_revoked_certificate(staff, world):
    status, payload, _raw, _headers = certificate_action(staff, "reinstate", world.alice_number, reason="Undo it")
    assert status == 409 and "Only a revoked certificate" in payload["error"]
    api.revoke(world.alice_number, "Issued in error", by=STAFF)
    for reason in ("", "  ", "\u200b\u200b\u200b"):
        status, payload, _raw, _headers = certificate_action(staff, "reinstate", world.alice_number, reason=reason)
        assert (status, payload["field"]) == (400, "reason")


def test_reinstate_creates_a_new_valid_certificate_and_is_audited(staff, revoked):
    status, payload, _raw, _headers = certificate_action(staff, "reinstate", revoked.number,
                                                         reason="Revoked the wrong Alicia")
    assert status == 200, payload
    old = Certificate.objects.get(pk=revoked.pk)
    new = Certificate.objects.get(number=numbers.normalize(payload["number"]))
    assert old.status == "revoked" and old.superseded_by_id == new.pk  # the revoked number stays revoked
    assert new.status == "valid" and new.legal_name == ALICE_LEGAL and new.generation == old.generation + 1
    assert revocation_of(new) == REVOCATION_FIELDS
    entries = audit.history(old.number)
    assert [(e.action, e.by, e.reason, e.new_number) for e in entries] == [
        ("revoke", STAFF, "Issued to the wrong learner", ""),
        ("reinstate", STAFF, "Revoked the wrong Alicia", new.number)]
    # A second reinstatement of the same number is refused: it already has a successor.
    assert certificate_action(staff, "reinstate", revoked.number, reason="Again")[0] == 409


def test_retirement_empties_the_audit_reasons_of_that_learner(staff, revoked):
    assert certificate_action(staff, "reinstate", revoked.number, reason="Alicia asked by phone")[0] == 200
    retire_learner(ALICE, COURSE)
    assert set(AuditEntry.objects.filter(learner_id=ALICE).values_list("reason", flat=True)) == {""}


# --- building a successor: a list of what belongs, never a copy with exceptions ----------

def test_every_certificate_field_is_either_carried_over_or_set_fresh():
    fields = {field.name for field in Certificate._meta.concrete_fields}
    assert set(api.CARRIED_OVER) | set(api.SET_FRESH) == fields
    assert not set(api.CARRIED_OVER) & set(api.SET_FRESH)
    assert not set(REVOCATION_FIELDS) & set(api.CARRIED_OVER)


def test_a_reissue_carries_no_revocation_field_over(world):
    # A valid row with stale revocation fields (written by an older version, or by hand) must not pass
    # them on: before the fix, reissue() copied revoked_by into the new valid certificate.
    Certificate.objects.filter(number=world.alice_number).update(revoked_by="someone", revoke_reason="stale")
    new = api.reissue(world.alice_number, by=STAFF, legal_name="Alicia Q. Corrected")
    assert revocation_of(Certificate.objects.get(pk=new.pk)) == REVOCATION_FIELDS


def test_a_reinstatement_carries_no_revocation_field_over(revoked):
    new = api.reinstate(revoked.number, "Revoked in error", by=STAFF)
    assert revocation_of(Certificate.objects.get(pk=new.pk)) == REVOCATION_FIELDS


def test_api_reinstate_refuses_without_a_reason(revoked):
    with pytest.raises(InvalidInput):
        api.reinstate(revoked.number, "", by=STAFF)
    with pytest.raises(Conflict):
        api.reissue(revoked.number, by=STAFF, agency="Another Agency")
