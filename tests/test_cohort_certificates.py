"""Revoke, reissue and reinstate from the cohort drill-down: the number shown, confirmed, checked again."""
import re

import pytest

from elsx.audit import api as audit
from elsx.certificates import api, numbers
from elsx.models import Certificate
from elsx.retirement import retire_learner
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, learner, media  # noqa: F401
from tests.cohort_helpers import STAFF, cohort_xml
from tests.conftest import as_user, call
from tests.hostile.conftest import snapshot

pytestmark = pytest.mark.django_db

HOLDER = "learner-1"
HOSTILE_NAME = "<img src=x onerror=alert(1)> O'Brien & \"Co\""


@pytest.fixture
def stub_pdf(monkeypatch):
    # The PDF itself is tested in tests/test_certificates_pdf.py; here only what the records say matters.
    monkeypatch.setattr(api, "render_pdf", lambda prepared: b"%PDF-1.7\n% stub\n%%EOF\n")


@pytest.fixture
def dashboard(make_block):
    return make_block(cohort_xml(), STAFF)


def holder(legal_name=CLAIM["legal_name"], learner_id=HOLDER):
    complete_topics(learner_id)
    return api.claim(COURSE, learner(learner_id), **dict(CLAIM, legal_name=legal_name))


@pytest.fixture
def cert(media, stub_pdf):
    return holder()


def shown(cert):
    return numbers.display(cert.number)


def drill_down(block, learner_id=HOLDER):
    status, body = call(block, "learner", {"learner_id": learner_id})
    assert status == 200, body
    return body["html"]


def forms(html):
    return re.findall(r'data-cert-action="(\w+)"', html)


def test_a_valid_certificate_shows_its_number_and_two_headed_forms(dashboard, cert):
    html = drill_down(dashboard)
    assert shown(cert) in html and "Valid" in html
    assert forms(html) == ["revoke_certificate", "reissue_certificate"]
    assert "<h5" in html and "Revoke this certificate</h5>" in html and "Reissue with corrections</h5>" in html
    assert "Reinstate</h5>" not in html
    # The number comes from the server, in hidden fields: there is no box to type one.
    assert not re.search(r'<input type="text"[^>]*name="number"', html)
    assert html.count(f'name="number" value="{shown(cert)}"') == 2
    question = f"Revoke certificate <code>{shown(cert)}</code> held by <bdi>{CLAIM['legal_name']}</bdi>?"
    assert question in html
    assert re.search(r'<div class="elsx-confirm"[^>]*role="group"[^>]*hidden>', html)  # until the first press


def test_a_revoked_certificate_offers_only_reinstate(dashboard, cert):
    api.revoke(cert.number, "Issued in error", by=STAFF)
    html = drill_down(dashboard)
    assert forms(html) == ["reinstate_certificate"] and "Reinstate</h5>" in html and "Revoked" in html


def test_no_certificate_no_forms(dashboard, media):
    complete_topics(HOLDER)
    html = drill_down(dashboard)
    assert forms(html) == [] and "<h4" in html and "Certificate</h4>" in html


def test_a_retired_learner_gets_no_forms(dashboard, cert):
    retire_learner(HOLDER, COURSE)
    html = drill_down(dashboard)
    assert forms(html) == [] and "account was retired" in html


def test_the_holders_name_is_escaped_in_the_confirmation(dashboard, media, stub_pdf):
    cert = holder(legal_name=HOSTILE_NAME)
    html = drill_down(dashboard)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; O&#x27;Brien &amp; &quot;Co&quot;" in html
    status, body = call(dashboard, "revoke_certificate", {"learner_id": HOLDER, "number": shown(cert),
                                                           "reason": "Issued in error"})
    assert status == 200 and "<img src=x" not in body["html"]


def test_revoke_revokes_the_confirmed_number_and_renders_the_drill_down_again(dashboard, cert):
    status, body = call(dashboard, "revoke_certificate", {"learner_id": HOLDER, "number": shown(cert),
                                                           "reason": "Issued to the wrong learner"})
    assert status == 200, body
    stored = Certificate.objects.get(pk=cert.pk)
    assert stored.status == "revoked" and stored.revoke_reason == "Issued to the wrong learner"
    assert (body["status"], body["number"]) == ("revoked", shown(cert))
    assert body["message"] == f"Certificate {shown(cert)} is revoked."
    assert forms(body["html"]) == ["reinstate_certificate"]  # from the records, not from the request
    # Who acted is the runtime's user; the body cannot name someone else.
    assert [(entry.action, entry.by) for entry in audit.history(cert.number)] == [("revoke", STAFF)]


def test_a_repeated_revoke_is_refused_and_changes_nothing(dashboard, cert):
    body = {"learner_id": HOLDER, "number": shown(cert), "reason": "Issued in error"}
    assert call(dashboard, "revoke_certificate", body)[0] == 200
    before = snapshot()
    status, payload = call(dashboard, "revoke_certificate", body)
    assert status == 409 and "Only a valid certificate can be revoked" in payload["error"]
    assert snapshot() == before
    assert len(audit.history(cert.number)) == 1  # one revocation, not two


def test_a_stale_page_is_refused_naming_the_current_number(dashboard, cert):
    new = api.reissue(cert.number, by="someone-else", agency="Another County Sheriff")
    before = snapshot()
    for handler, extra in (("revoke_certificate", {"reason": "Issued in error"}),
                           ("reissue_certificate", {"legal_name": "Dana Okonkwo"}),
                           ("reinstate_certificate", {"reason": "Revoked in error"})):
        status, payload = call(dashboard, handler, dict(extra, learner_id=HOLDER, number=shown(cert)))
        assert status == 409 and shown(new) in payload["error"] and "Nothing was changed" in payload["error"]
        assert payload["field"] == "number"
    assert snapshot() == before


BAD_REVOKES = {
    "no reason": ({"reason": ""}, 400, "reason"),
    "blank reason": ({"reason": "   "}, 400, "reason"),
    "short reason": ({"reason": "ab"}, 400, "reason"),
    "long reason": ({"reason": "x" * (api.REASON_MAX + 1)}, 400, "reason"),
    "reason missing": ({"reason": None}, 400, None),
    "number missing": ({"number": None}, 400, None),
    "empty number": ({"number": ""}, 400, "number"),
    "not a number": ({"number": "ELSX-NOT-A-NUMBER"}, 400, "number"),
    "someone else's number": ({"number": "other"}, 409, "number"),
    "unknown learner": ({"learner_id": "nobody"}, 404, None),
    "learner id not text": ({"learner_id": 7}, 404, None),
    "learner without a certificate": ({"learner_id": "learner-2"}, 404, None),
    "an acting user in the body": ({"by": "someone-else"}, 400, None),
}


@pytest.mark.parametrize("case", sorted(BAD_REVOKES))
def test_a_bad_revoke_is_a_clear_error_and_changes_nothing(dashboard, cert, case):
    other = holder(learner_id="other")
    complete_topics("learner-2")
    changes, expected, field = BAD_REVOKES[case]
    body = {"learner_id": HOLDER, "number": shown(cert), "reason": "Issued in error"}
    for key, value in changes.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = shown(other) if value == "other" else value
    before = snapshot()
    status, payload = call(dashboard, "revoke_certificate", body)
    assert status == expected, payload
    assert payload["error"].strip() and payload.get("field") == field
    assert snapshot() == before
    assert Certificate.objects.get(pk=cert.pk).status == "valid"


def test_reissue_needs_a_real_correction(dashboard, cert):
    before = snapshot()
    base = {"learner_id": HOLDER, "number": shown(cert)}
    for corrections, message in (({}, "at least one corrected field"),
                                 ({"legal_name": "  ", "agency": ""}, "at least one corrected field"),
                                 ({"legal_name": CLAIM["legal_name"]}, "already says that"),
                                 ({"agency": "x"}, "Agency"),
                                 ({"legal_name": "\u200b"}, "")):
        status, payload = call(dashboard, "reissue_certificate", dict(base, **corrections))
        assert status == 400 and message in payload["error"], (corrections, payload)
        assert payload["field"] in ("legal_name", "agency")
    assert snapshot() == before


def test_reissue_supersedes_the_confirmed_number(dashboard, cert):
    # The number as shown, or as typed in any forgiving form, names the same certificate.
    status, body = call(dashboard, "reissue_certificate", {"learner_id": HOLDER, "number": cert.number.lower(),
                                                            "legal_name": "Dana M. Okonkwo", "agency": ""})
    assert status == 200, body
    new = Certificate.objects.get(number=numbers.normalize(body["number"]))
    assert new.legal_name == "Dana M. Okonkwo" and new.agency == CLAIM["agency"]  # blank: kept
    assert Certificate.objects.get(pk=cert.pk).status == "superseded"
    assert body["message"] == f"Reissued as {shown(new)}; {shown(cert)} is now superseded."
    assert f'name="number" value="{shown(new)}"' in body["html"] and "Earlier certificates" in body["html"]
    # The same request again names a number that is no longer current: refused, nothing more.
    before = snapshot()
    assert call(dashboard, "reissue_certificate", {"learner_id": HOLDER, "number": shown(cert),
                                                   "legal_name": "Dana M. Okonkwo"})[0] == 409
    assert snapshot() == before


def test_a_revoked_certificate_is_not_reissued(dashboard, cert):
    api.revoke(cert.number, "Issued in error", by=STAFF)
    before = snapshot()
    status, payload = call(dashboard, "reissue_certificate", {"learner_id": HOLDER, "number": shown(cert),
                                                               "legal_name": "Dana M. Okonkwo"})
    assert status == 409 and "reinstate" in payload["error"]
    assert snapshot() == before


def test_reinstate_only_a_revoked_certificate_with_a_reason(dashboard, cert):
    body = {"learner_id": HOLDER, "number": shown(cert), "reason": "Revoked the wrong Dana"}
    before = snapshot()
    status, payload = call(dashboard, "reinstate_certificate", body)
    assert status == 409 and "Only a revoked certificate" in payload["error"]
    assert snapshot() == before
    api.revoke(cert.number, "Issued in error", by=STAFF)
    before = snapshot()
    assert call(dashboard, "reinstate_certificate", dict(body, reason=""))[1]["field"] == "reason"
    assert snapshot() == before
    status, payload = call(dashboard, "reinstate_certificate", body)
    assert status == 200, payload
    new = Certificate.objects.get(number=numbers.normalize(payload["number"]))
    assert new.status == "valid" and Certificate.objects.get(pk=cert.pk).status == "revoked"
    assert forms(payload["html"]) == ["revoke_certificate", "reissue_certificate"]
    assert [(e.action, e.by, e.reason) for e in audit.history(cert.number)][-1] == (
        "reinstate", STAFF, "Revoked the wrong Dana")


def test_a_certificate_revoked_by_retirement_is_not_reinstated(dashboard, cert):
    retire_learner(HOLDER, COURSE)
    before = snapshot()
    status, payload = call(dashboard, "reinstate_certificate", {"learner_id": HOLDER, "number": shown(cert),
                                                                 "reason": "Please"})
    assert status == 409 and "retired" in payload["error"]
    assert snapshot() == before


@pytest.mark.parametrize("handler", ["revoke_certificate", "reissue_certificate", "reinstate_certificate"])
@pytest.mark.parametrize("user_id", [HOLDER, "none"])
def test_non_staff_get_403_and_no_data(dashboard, cert, handler, user_id):
    before = snapshot()
    status, payload = call(as_user(dashboard, user_id), handler, {
        "learner_id": HOLDER, "number": shown(cert), "reason": "Mine now", "legal_name": "Someone"})
    assert status == 403 and set(payload) == {"error"}
    assert cert.number[:8] not in str(payload) and CLAIM["legal_name"] not in str(payload)
    assert snapshot() == before
