"""Certificate states the API must refuse or keep: superseded and revoked ones, retired learners, dates.

PDF rendering is stubbed (test_certificates_pdf renders for real): these tests are about rows.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from elsx.certificates import api
from elsx.errors import Conflict, NotAllowed
from elsx.models import Certificate, LearnerProfile, TopicProgress
from elsx.retirement import retire_learner
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, learner, mark_claimed, media  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub_pdf(media, monkeypatch):
    monkeypatch.setattr(api, "render_pdf", lambda prepared: b"%PDF-1.7 stub")
    return media


def _issued(learner_id="learner-1"):
    return api.claim(COURSE, complete_topics(learner_id), **CLAIM)


def test_a_superseded_certificate_cannot_be_revoked(stub_pdf):
    """Revoking is for the current, valid certificate; the successor is what staff revoke."""
    old = _issued()
    new = api.reissue(old.number, by="staff-1", legal_name="Dana M. Okonkwo-Sánchez")
    with pytest.raises(Conflict) as caught:
        api.revoke(old.number, "Issued in error.", by="staff-1")
    assert caught.value.extra["status"] == Certificate.STATUS_SUPERSEDED
    old.refresh_from_db()
    assert (old.status, old.revoked_at, old.revoke_reason, old.revoked_by) == (Certificate.STATUS_SUPERSEDED, None, "", "")
    assert api.revoke(new.number, "Issued in error.", by="staff-1").status == Certificate.STATUS_REVOKED


def test_revoke_records_who_when_and_why(stub_pdf):
    cert = _issued()
    before = timezone.now()
    revoked = api.revoke(cert.number, "  Issued in error.  ", by=learner("staff-7", staff=True))
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.status, stored.revoke_reason, stored.revoked_by) == (Certificate.STATUS_REVOKED, "Issued in error.",
                                                                         "staff-7")
    assert before <= stored.revoked_at <= timezone.now() and revoked.revoked_at == stored.revoked_at
    assert api.verify(cert.number).valid is False
    with pytest.raises(Conflict):
        api.revoke(cert.number, "Again, please.", by="staff-7")


def test_a_retired_learners_claim_writes_nothing_back(stub_pdf):
    who = complete_topics("retiree")
    retire_learner("retiree", COURSE)
    # retirement keeps progress but scrubs the profile; a later claim must not refill it
    assert TopicProgress.objects.filter(learner_id="retiree", completed_at__isnull=False).count() == 10
    before = LearnerProfile.objects.filter(learner_id="retiree").values().get()
    with pytest.raises(NotAllowed):
        api.claim(COURSE, who, **CLAIM)
    after = LearnerProfile.objects.filter(learner_id="retiree").values().get()
    assert after == before
    assert (after["legal_name"], after["full_name"], after["email"], after["claimed_at"]) == ("", "", "", None)
    assert not Certificate.objects.filter(learner_id="retiree").exists()


def test_a_retired_learner_is_not_issued_in_bulk(stub_pdf):
    complete_topics("retiree")
    mark_claimed("retiree")
    retire_learner("retiree", COURSE)
    with pytest.raises(NotAllowed):
        api.issue(COURSE, "retiree")
    assert api.issue_for_course(COURSE)["issued"] == 0
    assert not Certificate.objects.exists()


def test_the_printed_dates_are_the_first_visit_and_the_last_completion(stub_pdf):
    cert = _issued()
    rows = TopicProgress.objects.filter(learner_id="learner-1")
    first_visit = min(row.first_viewed_at for row in rows)
    last_done = max(row.completed_at for row in rows)
    assert cert.started_on == timezone.localdate(first_visit) and cert.completed_on == timezone.localdate(last_done)
    assert cert.started_on < cert.completed_on  # the fixture spreads topics over days


def test_the_printed_dates_are_local_dates(stub_pdf, settings):
    settings.TIME_ZONE = "America/Chicago"
    complete_topics("late")
    # the last completion moved to 03:00 UTC: still the evening before in Chicago
    last = TopicProgress.objects.filter(learner_id="late").order_by("-completed_at").first()
    late = (last.completed_at + timedelta(days=1)).replace(hour=3, minute=0)
    TopicProgress.objects.filter(pk=last.pk).update(completed_at=late)
    cert = api.claim(COURSE, learner("late"), **CLAIM)
    assert cert.completed_on == (late - timedelta(hours=6)).date() == late.date() - timedelta(days=1)


def test_the_snapshot_carries_the_claim_and_the_course(stub_pdf):
    cert = _issued()
    for field in ("legal_name", "agency", "role", "state_training_id", "state"):
        assert getattr(cert, field) == CLAIM[field]
    assert (cert.generation, cert.status, cert.revoked_at, cert.revoke_reason, cert.revoked_by) == (
        1, Certificate.STATUS_VALID, None, "", "")
    assert str(cert.credit_hours) == "11.00" and cert.course_number == "ELS-MEC-101"
    assert cert.superseded_by_id is None and cert.pdf_sha256 and cert.pdf_path.startswith("elsx/certificates/")


def test_the_certificate_state_follows_the_records(stub_pdf):
    assert api.certificate_state(COURSE, "nobody").kind == "not_eligible"
    assert api.certificate_state(COURSE, "").kind == "not_eligible" and api.current_certificate(COURSE, "") is None
    complete_topics("learner-1", skip=("community-action-planning",))
    assert api.certificate_state(COURSE, "learner-1").kind == "not_eligible"
    cert = _issued()
    state = api.certificate_state(COURSE, "learner-1")
    assert (state.kind, state.cert.number, state.number) == ("issued", cert.number, api.numbers.display(cert.number))
    api.revoke(cert.number, "Issued in error.", by="staff-1")
    assert api.certificate_state(COURSE, "learner-1").kind == "revoked"
    successor = api.reinstate(cert.number, "Revoked by mistake.", by="staff-1")
    assert api.current_certificate(COURSE, "learner-1").number == successor.number  # the latest generation
    assert api.certificate_state(COURSE, "learner-1").kind == "issued"
    # A learner whose latest row is superseded (its successor lost) is told so, never "issued".
    Certificate.objects.filter(number=successor.number).update(status=Certificate.STATUS_SUPERSEDED)
    assert api.certificate_state(COURSE, "learner-1").kind == "superseded"


def test_a_complete_unclaimed_learner_is_ready(stub_pdf):
    complete_topics("learner-2")
    state = api.certificate_state(COURSE, "learner-2")
    assert (state.kind, state.cert, state.number) == ("ready", None, "") and state.eligibility.eligible


def test_the_snapshot_takes_the_configured_course_words(stub_pdf, settings):
    settings.ELSX = dict(settings.ELSX, COURSE_TITLE="Leading Child Protection", COURSE_NUMBER="LCP-7",
                         PROVIDER_NAME="State Academy", CREDIT_TYPE="Continuing education",
                         DELIVERY_METHOD="Blended", SIGNATORY_NAME="Dr. Lee", SIGNATORY_TITLE="Director")
    cert = _issued()
    assert (cert.course_title, cert.course_number, cert.provider_name, cert.credit_type, cert.delivery_method,
            cert.signatory_name, cert.signatory_title, cert.course_version) == (
        "Leading Child Protection", "LCP-7", "State Academy", "Continuing education", "Blended", "Dr. Lee",
        "Director", "2026.1")
    settings.ELSX = dict(settings.ELSX, COURSE_TITLE="")
    assert api.course_title() == api.get_curriculum().title


def test_the_certificate_language_is_the_claims(stub_pdf):
    from django.utils import translation
    who = complete_topics("learner-1")
    with translation.override("es-419"):
        cert = api.claim(COURSE, who, **CLAIM)
    assert cert.language == "es-419" and LearnerProfile.objects.get(learner_id="learner-1").claim_language == "es-419"


@pytest.mark.parametrize("who", [None, "anonymous"])
def test_an_anonymous_claim_is_refused(stub_pdf, who):
    from elsx.learners import Learner
    learner_or_none = Learner(id="", is_authenticated=False) if who else None
    with pytest.raises(NotAllowed):
        api.claim(COURSE, learner_or_none, **CLAIM)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("reason, accepted", [("ab", False), ("abc", True), ("r" * 500, True), ("r" * 501, False)])
def test_a_revocation_reason_is_3_to_500_characters(stub_pdf, reason, accepted):
    from elsx.errors import InvalidInput
    cert = _issued()
    if accepted:
        assert api.revoke(cert.number, reason, by="staff-1").revoke_reason == reason
    else:
        with pytest.raises(InvalidInput) as caught:
            api.revoke(cert.number, reason, by="staff-1")
        assert caught.value.field == "reason"
        assert Certificate.objects.get(pk=cert.pk).status == Certificate.STATUS_VALID


def test_a_certificate_state_cannot_be_changed():
    state = api.CertificateState(kind="ready")
    with pytest.raises(AttributeError):
        state.kind = "issued"


def test_an_issued_certificate_has_its_own_status_entry(stub_pdf):
    first, second = _issued("learner-1"), _issued("learner-2")
    assert first.status_index is not None and second.status_index is not None and first.status_list
    assert (first.status_list, first.status_index) != (second.status_list, second.status_index)


@pytest.mark.parametrize("error", ["keys", "unsignable"])
def test_a_certificate_that_cannot_be_signed_is_not_issued(stub_pdf, monkeypatch, error):
    from elsx.credentials.jsonld import UnsignableDocument
    from elsx.credentials.keys import KeysNotConfigured
    from elsx.errors import Unavailable

    def fail(cert):
        raise KeysNotConfigured("no key") if error == "keys" else UnsignableDocument("$.issuer.id")
    monkeypatch.setattr(api.openbadges, "sign_both", fail)
    with pytest.raises(Unavailable):
        _issued()
    assert not Certificate.objects.exists()


def _files(media):
    return sorted(path.name for path in media.rglob("*.pdf"))


def _duplicate(cert, **fields):
    """An unsaved certificate as a second, racing request would have built it."""
    values = {field: getattr(cert, field) for field in api.CARRIED_OVER}
    values.update(number=api.numbers.generate(), generation=cert.generation, status=Certificate.STATUS_VALID,
                  issued_at=timezone.now())
    values.update(fields)
    return Certificate(**values)


def test_the_loser_of_an_insert_race_returns_the_winner_not_created(stub_pdf):
    winner = _issued()
    files = _files(stub_pdf)
    assert len(files) == 1  # the winner's PDF
    assert api._record(_duplicate(winner), b"%PDF-1.7 loser") == (winner, False)  # pylint: disable=protected-access
    assert _files(stub_pdf) == files and Certificate.objects.count() == 1


def test_a_number_collision_is_try_again_and_leaves_no_file(stub_pdf):
    from elsx.errors import Unavailable
    winner = _issued()
    files = _files(stub_pdf)
    assert len(files) == 1  # the winner's PDF
    with pytest.raises(Unavailable):
        api._record(_duplicate(winner, number=winner.number, generation=2), b"%PDF x")  # pylint: disable=protected-access
    assert _files(stub_pdf) == files and Certificate.objects.count() == 1


def test_a_database_error_on_insert_leaves_no_file(stub_pdf, monkeypatch):
    from django.db import DatabaseError
    winner = _issued()
    files = _files(stub_pdf)
    assert len(files) == 1  # the winner's PDF
    other = _duplicate(winner, learner_id="someone-else")

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")
    monkeypatch.setattr(other, "save", broken)
    with pytest.raises(DatabaseError):
        api._record(other, b"%PDF y")  # pylint: disable=protected-access
    assert _files(stub_pdf) == files


def test_an_issue_is_announced_once(stub_pdf, monkeypatch):
    emitted = []
    monkeypatch.setattr(api.events, "emit", lambda name, **data: emitted.append((name, data)))
    cert = _issued()
    assert api.issue(COURSE, "learner-1") == cert  # already issued: the same row, nothing announced
    assert emitted == [(api.events.CERTIFICATE_ISSUED, {
        "certificate_number": cert.number, "learner_id": "learner-1", "course_key": COURSE, "generation": 1,
        "credit_hours": cert.credit_hours})]


def test_issue_refuses_an_unknown_learner_and_an_unclaimed_one(stub_pdf):
    with pytest.raises(NotAllowed):
        api.issue(COURSE, "nobody")
    complete_topics("learner-1")
    LearnerProfile.objects.filter(learner_id="learner-1").update(legal_name="Dana")  # a name, never claimed
    with pytest.raises(NotAllowed) as caught:
        api.issue(COURSE, "learner-1")
    assert caught.value.extra["missing"] == ["claim"] and not Certificate.objects.exists()


def test_a_failed_render_gives_its_status_entry_back_and_a_saved_one_keeps_it(stub_pdf, monkeypatch):
    from elsx.errors import Unavailable
    released, real = [], api.credentials.release_status_index
    monkeypatch.setattr(api.credentials, "release_status_index",
                        lambda number, index: released.append((number, index)) or real(number, index))

    def broken(prepared):
        raise RuntimeError("renderer crashed")
    who = complete_topics("learner-1")
    with monkeypatch.context() as patch:
        patch.setattr(api, "render_pdf", broken)
        with pytest.raises(Unavailable):
            api.claim(COURSE, who, **CLAIM)
    assert len(released) == 1 and released[0][1] is not None
    cert = api.claim(COURSE, who, **CLAIM)
    assert len(released) == 1 and (cert.status_list, cert.status_index) == released[0]  # the same entry, reused


def test_a_revocation_is_published_announced_and_names_who(stub_pdf, monkeypatch):
    cert = _issued()
    emitted, published = [], []
    monkeypatch.setattr(api.events, "emit", lambda name, **data: emitted.append((name, data)))
    real = api.credentials.publish_status_list
    monkeypatch.setattr(api.credentials, "publish_status_list",
                        lambda n, indexes: published.append((n, sorted(indexes()))) or real(n, indexes))
    api.revoke(cert.number, "Issued in error.", by="s" * 300)
    stored = Certificate.objects.get(pk=cert.pk)
    assert stored.revoked_by == "s" * 255
    assert published == [(cert.status_list, [cert.status_index])]  # the list re-signed with it revoked
    assert emitted == [(api.events.CERTIFICATE_REVOKED, {"certificate_number": cert.number, "learner_id": "learner-1",
                                                         "course_key": COURSE, "by_retirement": False})]


def test_a_second_revocation_says_what_the_certificate_is(stub_pdf):
    cert = _issued()
    api.revoke(cert.number, "Issued in error.", by="staff-1")
    with pytest.raises(Conflict) as caught:
        api.revoke(cert.number, "Again.", by="staff-1")
    assert str(caught.value) == "Only a valid certificate can be revoked; this one is revoked."


def test_a_reissue_names_unknown_fields_and_refuses_a_replaced_certificate(stub_pdf):
    from elsx.errors import InvalidInput
    cert = _issued()
    with pytest.raises(InvalidInput) as caught:
        api.reissue(cert.number, by="staff-1", zeta="1", alpha="2")
    assert str(caught.value) == "Unknown field(s): alpha, zeta."
    new = api.reissue(cert.number, by="staff-1", agency="Metro PD")
    assert new.status == Certificate.STATUS_VALID and new.generation == 2
    with pytest.raises(Conflict) as caught:
        api.reissue(cert.number, by="staff-1", agency="Other PD")
    assert str(caught.value) == f"This certificate was already reissued as {api.numbers.display(new.number)}."
    assert Certificate.objects.count() == 2
