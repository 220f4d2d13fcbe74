"""certificates.api paths the other tests don't reach: a damaged PDF rendered again, a reissue that
fails or loses a race, bulk issuance's failures, the status list and the public record.

PDF rendering is stubbed: the stub reads the prepared document, so the bytes say which document it got.
"""
import hashlib
import json

import pytest
from django.db import DatabaseError
from django.db.models.query import QuerySet

from elsx import events as elsx_events
from elsx.certificates import api, numbers, openbadges
from elsx.credentials import api as credentials
from elsx.credentials.keys import KeysNotConfigured
from elsx.errors import Conflict, InvalidInput, Unavailable
from elsx.models import Certificate
from elsx.retirement import retire_learner
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, mark_claimed, media  # noqa: F401
from tests.test_events import emitted  # noqa: F401

pytestmark = pytest.mark.django_db


def rendering(prepared):
    """What the stub renders: bytes that depend on the document (a certificate instead of one fails)."""
    return b"%PDF-1.7 " + hashlib.sha256(prepared.html.encode("utf-8") + prepared.credential_json).hexdigest().encode()


@pytest.fixture
def stub_pdf(media, monkeypatch):
    monkeypatch.setattr(api, "render_pdf", rendering)
    return media


def stored_files(root):
    folder = root / "elsx" / "certificates"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _issued(learner_id="learner-1"):
    return api.claim(COURSE, complete_topics(learner_id), **CLAIM)


def _damage(root, cert):
    path = root / cert.pdf_path
    path.write_bytes(path.read_bytes() + b"%tampered")
    return path


# --- downloads -------------------------------------------------------------

def test_an_intact_file_is_served_as_stored(stub_pdf):
    cert = _issued()
    assert api.pdf_for_download(cert) == api.read_pdf(cert) == (stub_pdf / cert.pdf_path).read_bytes()


def test_a_missing_file_is_unavailable_not_damaged(stub_pdf):
    cert = _issued()
    (stub_pdf / cert.pdf_path).unlink()
    with pytest.raises(Unavailable) as caught:
        api.read_pdf(cert)
    assert not isinstance(caught.value, api.DamagedFile)


def test_a_damaged_file_is_rendered_again_from_the_row_and_replaced(stub_pdf):
    cert = _issued()
    damaged_path = cert.pdf_path
    damaged = _damage(stub_pdf, cert)
    served = api.pdf_for_download(cert)
    stored = Certificate.objects.get(pk=cert.pk)
    assert served == rendering(api.prepare_document(stored))
    assert stored.pdf_path != damaged_path
    assert stored.pdf_sha256 == hashlib.sha256(served).hexdigest()
    assert api.read_pdf(stored) == served
    assert not damaged.exists() and stored_files(stub_pdf) == [stored.pdf_path.rsplit("/", 1)[-1]]


def test_a_failed_re_rendering_is_damaged_and_changes_nothing(stub_pdf, monkeypatch):
    cert = _issued()
    damaged = _damage(stub_pdf, cert)

    def broken(prepared):
        raise RuntimeError("renderer crashed")
    monkeypatch.setattr(api, "render_pdf", broken)
    with pytest.raises(api.DamagedFile):
        api.pdf_for_download(cert)
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.pdf_path, stored.pdf_sha256) == (cert.pdf_path, cert.pdf_sha256)
    assert damaged.exists() and stored_files(stub_pdf) == [damaged.name]


def test_a_failed_row_update_discards_the_new_file_and_keeps_the_row(stub_pdf, monkeypatch):
    cert = _issued()
    before = (cert.pdf_path, cert.pdf_sha256)
    damaged = _damage(stub_pdf, cert)

    def broken_update(self, **kwargs):
        raise DatabaseError("database went away")
    monkeypatch.setattr(QuerySet, "update", broken_update)
    with pytest.raises(Unavailable):
        api.pdf_for_download(cert)
    monkeypatch.undo()
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.pdf_path, stored.pdf_sha256) == before
    assert stored_files(stub_pdf) == [damaged.name]


# --- reissue and reinstatement ---------------------------------------------

def test_a_reissue_whose_rendering_fails_changes_nothing(stub_pdf, monkeypatch):
    old = _issued()

    def broken(prepared):
        raise RuntimeError("renderer crashed")
    monkeypatch.setattr(api, "render_pdf", broken)
    with pytest.raises(Unavailable):
        api.reissue(old.number, by="staff-1", agency="Riverside County Sheriff")
    assert list(Certificate.objects.values_list("pk", "status")) == [(old.pk, Certificate.STATUS_VALID)]
    assert stored_files(stub_pdf) == [old.pdf_path.rsplit("/", 1)[-1]]


def _meanwhile(monkeypatch, change):
    """Run change() while the successor renders: another request got there between lookup and lock."""
    def render_then_change(prepared):
        change()
        return rendering(prepared)
    monkeypatch.setattr(api, "render_pdf", render_then_change)


@pytest.mark.parametrize("race", ["revoked", "superseded", "same_generation"])
def test_a_reissue_that_loses_a_race_is_a_conflict_and_leaves_no_file(stub_pdf, monkeypatch, race):
    old, other = _issued("learner-1"), _issued("learner-2")
    files = stored_files(stub_pdf)
    changes = {
        "revoked": lambda: Certificate.objects.filter(pk=old.pk).update(status=Certificate.STATUS_REVOKED),
        "superseded": lambda: Certificate.objects.filter(pk=old.pk).update(superseded_by=other),
        # someone else's successor took generation 2 first
        "same_generation": lambda: Certificate.objects.filter(pk=other.pk).update(learner_id=old.learner_id,
                                                                                   generation=old.generation + 1),
    }
    _meanwhile(monkeypatch, changes[race])
    with pytest.raises(Conflict):
        api.reissue(old.number, by="staff-1", agency="Riverside County Sheriff")
    assert Certificate.objects.count() == 2 and stored_files(stub_pdf) == files


def test_reissue_and_reinstate_announce_the_new_certificate(stub_pdf, emitted):
    old = _issued()
    new = api.reissue(old.number, by="staff-1", agency="Riverside County Sheriff")
    api.revoke(new.number, "Issued in error.", by="staff-1")
    back = api.reinstate(new.number, "Revoked the wrong learner.", by="staff-1")
    announced = [(kind, data["certificate_number"], data.get("replaces")) for kind, data in emitted]
    assert announced[-3:] == [(elsx_events.CERTIFICATE_REISSUED, new.number, old.number),
                              (elsx_events.CERTIFICATE_REVOKED, new.number, None),
                              (elsx_events.CERTIFICATE_REINSTATED, back.number, new.number)]


def _bit(list_number, index, stored=True):
    text = credentials.status_list_credential(list_number) if stored else api.status_list_json(list_number)
    return credentials.is_set(json.loads(text)["credentialSubject"]["encodedList"], index)


@pytest.mark.parametrize("action", ["reissue", "reinstate"])
def test_a_successor_has_its_own_status_entry_and_the_old_one_is_published_revoked(stub_pdf, action):
    old = _issued()
    if action == "reissue":
        new = api.reissue(old.number, by="staff-1", agency="Riverside County Sheriff")
    else:
        api.revoke(old.number, "Issued in error.", by="staff-1")
        new = api.reinstate(old.number, "Revoked the wrong learner.", by="staff-1")
    new.refresh_from_db()
    assert new.status_index is not None and (new.status_list, new.status_index) != (old.status_list, old.status_index)
    assert _bit(old.status_list, old.status_index) is True  # published by the action itself
    assert _bit(new.status_list, new.status_index) is False


def test_a_status_list_never_published_is_signed_when_asked(stub_pdf):
    cert = _issued()
    assert credentials.status_list_credential(cert.status_list) == ""  # published on commit only
    assert _bit(cert.status_list, cert.status_index, stored=False) is False
    assert _bit(cert.status_list, cert.status_index) is False  # and stored
    assert api.status_list_json(cert.status_list + 1000) is None


def test_a_staff_revocation_is_not_reissued_and_says_to_reinstate(stub_pdf):
    cert = _issued()
    api.revoke(cert.number, "Issued in error.", by="staff-1")
    with pytest.raises(Conflict) as caught:
        api.reissue(cert.number, by="staff-1", agency="Riverside County Sheriff")
    assert "reinstate it instead" in caught.value.message and "retired" not in caught.value.message


def test_a_retirement_revocation_says_so(stub_pdf):
    cert = _issued()
    retire_learner("learner-1", COURSE)
    for attempt in (lambda: api.reissue(cert.number, by="staff-1", agency="Riverside County Sheriff"),
                    lambda: api.reinstate(cert.number, "Revoked the wrong learner.", by="staff-1")):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert "retired" in caught.value.message


def test_a_replaced_certificate_names_its_successor(stub_pdf):
    cert = _issued()
    api.revoke(cert.number, "Issued in error.", by="staff-1")
    new = api.reinstate(cert.number, "Revoked the wrong learner.", by="staff-1")
    for attempt in (lambda: api.reinstate(cert.number, "Again, please.", by="staff-1"),
                    lambda: api.reissue(cert.number, by="staff-1", agency="Riverside County Sheriff")):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.message == f"This certificate was already reissued as {numbers.display(new.number)}."
    assert Certificate.objects.count() == 2


def test_reinstating_a_valid_certificate_names_its_status(stub_pdf):
    cert = _issued()
    with pytest.raises(Conflict) as caught:
        api.reinstate(cert.number, "Nothing to undo.", by="staff-1")
    assert caught.value.message == "Only a revoked certificate can be reinstated; this one is valid."


def test_unknown_reissue_fields_are_named_in_order(stub_pdf):
    cert = _issued()
    with pytest.raises(InvalidInput) as caught:
        api.reissue(cert.number, by="staff-1", zip="1", email="x", hours="2", birthday="3", notes="4", city="5")
    assert caught.value.message == "Unknown field(s): birthday, city, email, hours, notes, zip."


def test_revoked_by_a_numeric_user_id(stub_pdf):
    class Staff:
        id = 42
    first, second = _issued("learner-1"), _issued("learner-2")
    assert api.revoke(first.number, "Issued in error.", by=Staff()).revoked_by == "42"
    assert api.revoke(second.number, "Issued in error.", by=7).revoked_by == "7"
    assert Certificate.objects.get(pk=first.pk).revoked_by == "42"


# --- bulk issuance ---------------------------------------------------------

def _claimed(*learner_ids):
    for learner_id in learner_ids:
        complete_topics(learner_id)
        mark_claimed(learner_id, legal_name=f"Learner {learner_id.upper()}")


def test_bulk_issued_certificates_each_have_a_status_entry(stub_pdf):
    _claimed("a", "b")
    assert api.issue_for_course(COURSE)["issued"] == 2
    entries = {(c.status_list, c.status_index) for c in Certificate.objects.all()}
    assert len(entries) == 2 and all(index is not None for _list, index in entries)


def test_bulk_counts_a_certificate_issued_meanwhile_as_already_issued(stub_pdf, monkeypatch):
    _claimed("a", "b")
    meanwhile = []

    def render_and_issue_b(prepared):
        if not meanwhile:  # another process issues b while a renders
            meanwhile.append("b")
            api.issue(COURSE, "b")
        return rendering(prepared)
    monkeypatch.setattr(api, "render_pdf", render_and_issue_b)
    counts = api.issue_for_course(COURSE)
    assert counts == {"issued": 1, "already_issued": 1, "not_eligible": 0, "not_claimed": 0, "failed": 0}
    assert Certificate.objects.count() == 2


@pytest.mark.parametrize("failure", ["sign", "render", "store"])
def test_bulk_counts_each_failure_once_and_issues_the_rest(stub_pdf, monkeypatch, failure):
    _claimed("a", "b", "c")
    sign_both = openbadges.sign_both

    def sign_but_b(cert):
        if cert.learner_id == "b":
            raise KeysNotConfigured("no key")
        sign_both(cert)

    def render_but_b(prepared):
        if failure == "render" and "Learner B" in prepared.html:
            raise RuntimeError("renderer crashed")
        return rendering(prepared)
    record = api._record

    def record_but_b(cert, pdf_bytes):
        if cert.learner_id == "b":
            raise Unavailable("disk full")
        return record(cert, pdf_bytes)
    if failure == "sign":
        monkeypatch.setattr(api.openbadges, "sign_both", sign_but_b)
    elif failure == "store":
        monkeypatch.setattr(api, "_record", record_but_b)
    monkeypatch.setattr(api, "render_pdf", render_but_b)
    counts = api.issue_for_course(COURSE)
    assert counts == {"issued": 2, "already_issued": 0, "not_eligible": 0, "not_claimed": 0, "failed": 1}
    assert sorted(Certificate.objects.values_list("learner_id", flat=True)) == ["a", "c"]


# --- verification ----------------------------------------------------------

def test_the_public_record_is_plain_json_with_display_numbers(stub_pdf):
    old = _issued()
    new = api.reissue(old.number, by="staff-1", agency="Riverside County Sheriff")
    seen = api.verify(old.number)
    assert (seen.number, seen.successor) == (numbers.display(old.number), numbers.display(new.number))
    record = json.loads(json.dumps(api.verify(new.number).public_record()))
    assert record["certificate_number"] == numbers.display(new.number) and record["superseded_by"] is None
    assert record["credit_hours"] == 11.0 and record["role"] == str(api.ROLES[CLAIM["role"]])
    assert record["credential_url"] == openbadges.public_credential_url(new.number)
    assert record["credential_url"].startswith("https://lms.example.org/")
    with pytest.raises(AttributeError):
        seen.status = Certificate.STATUS_VALID


def test_a_certificate_prints_in_its_claim_language(stub_pdf):
    cert = _issued()
    cert.language = "es-419"
    assert 'lang="es-419"' in api.prepare_document(cert).html


def test_claimed_without_certificate_is_who_bulk_issuance_would_consider(stub_pdf):
    _claimed("issued", "waiting", "retiree")
    complete_topics("unclaimed")
    api.issue(COURSE, "issued")
    retire_learner("retiree", COURSE)
    assert list(api.claimed_without_certificate(COURSE).values_list("learner_id", flat=True)) == ["waiting"]
