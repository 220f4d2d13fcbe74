"""The certificate block: what each learner sees, the claim and download handlers."""
import hashlib

import pytest

from elsx.blocks.certificate import CertificateBlock
from elsx.certificates import api, numbers
from elsx.models import Certificate, LearnerProfile
from tests.certificates_helpers import (  # noqa: F401
    CLAIM, complete_topics, handler_get, media, parse_json,
)
from tests.conftest import as_user, call, render

XML = "<elsx_certificate/>"


def claimed(make_block, learner_id="learner-1"):
    """A block seen by a learner who has completed the course and claimed; with their certificate."""
    complete_topics(learner_id)
    block = make_block(XML, learner_id)
    assert call(block, "claim", CLAIM)[0] == 200
    return block, Certificate.objects.get(learner_id=learner_id, generation=1)


def test_ineligible_learner_sees_what_is_missing(make_block, media):
    complete_topics("learner-1", skip=("vulnerable-populations",))
    html = render(make_block(XML, "learner-1"))
    assert "Still to do" in html and "Vulnerable" in html
    assert 'name="legal_name"' not in html


def test_eligible_learner_sees_the_claim_form_prefilled(make_block, media):
    complete_topics("learner-1", full_name="Dana Okonkwo")
    html = render(make_block(XML, "learner-1"))
    assert 'name="legal_name"' in html and 'value="Dana Okonkwo"' in html
    assert 'for="' in html and "State training ID (optional)" in html
    assert 'role="alert"' in html
    for value in ("le_executive", "psap", "clearinghouse", "other"):
        assert f'value="{value}"' in html


def test_claim_then_the_block_shows_number_download_and_verification(make_block, media):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    status, body = call(block, "claim", CLAIM)
    assert status == 200, body
    cert = Certificate.objects.get(learner_id="learner-1")
    assert body["number"] == numbers.display(cert.number) and body["status"] == "valid"
    for html in (body["html"], render(block)):
        assert numbers.display(cert.number) in html
        assert "Download certificate (PDF)" in html and "/elsx/verify/" in html
        assert "Status: valid" in html


def test_double_claim_gives_one_certificate(make_block, media):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    first = call(block, "claim", CLAIM)[1]
    second = call(block, "claim", CLAIM)[1]
    assert first["number"] == second["number"] and Certificate.objects.count() == 1


@pytest.mark.parametrize("data,field", [
    (dict(CLAIM, legal_name="   "), "legal_name"),
    (dict(CLAIM, agency="x" * 500), "agency"),
    (dict(CLAIM, role="chief"), "role"),
    (dict(CLAIM, state_training_id="ID\x00"), "state_training_id"),
])
def test_bad_claim_is_400_naming_the_field_and_changes_nothing(make_block, media, data, field):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    before = LearnerProfile.objects.values().get(learner_id="learner-1")
    status, body = call(block, "claim", data)
    assert status == 400 and body["field"] == field and body["error"]
    assert LearnerProfile.objects.values().get(learner_id="learner-1") == before
    assert Certificate.objects.count() == 0


def test_claim_refuses_unknown_keys_and_identity_from_the_request(make_block, media):
    complete_topics("learner-1")
    status, body = call(make_block(XML, "learner-1"), "claim", dict(CLAIM, learner_id="someone-else"))
    assert status == 400 and "learner_id" in body["error"]


def test_ineligible_claim_and_download_are_403_with_what_is_missing(make_block, media):
    complete_topics("learner-1", skip=("vulnerable-populations",))
    block = make_block(XML, "learner-1")
    status, body = call(block, "claim", CLAIM)
    assert status == 403 and body["missing"] == ["topic:vulnerable-populations"]
    response = handler_get(block, "download")
    assert response.status_code == 403
    assert parse_json(response)["missing"] == ["topic:vulnerable-populations"]


def test_download_serves_the_stored_bytes_with_a_sensible_name(make_block, media):
    block, cert = claimed(make_block)
    response = handler_get(block, "download")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert hashlib.sha256(response.body).hexdigest() == cert.pdf_sha256
    assert response.body.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="ELS-MEC-101-certificate-{numbers.display(cert.number)}.pdf"'
    assert "Okonkwo" not in disposition


def test_someone_elses_certificate_is_404(make_block, media):
    complete_topics("learner-2")
    block, theirs = claimed(make_block)
    other = as_user(block, "learner-2")
    response = handler_get(other, "download", f"number={numbers.display(theirs.number)}")
    assert response.status_code == 404
    unknown = handler_get(other, "download", f"number={numbers.display(numbers.generate())}")
    assert unknown.status_code == 404 and parse_json(unknown) == parse_json(response)


def test_revoked_certificate_is_shown_as_revoked_and_not_downloadable(make_block, media):
    block, cert = claimed(make_block)
    api.revoke(cert.number, "Issued in error.", by="instructor")
    html = render(block)
    assert "Status: revoked on" in html and "Download certificate" not in html
    assert handler_get(block, "download").status_code == 403


def test_staff_act_on_certificates_from_the_cohort_drill_down_not_here(make_block, media):
    """No typed-number forms or handlers here any more: tests/test_cohort_certificates.py covers the drill-down's."""
    block, cert = claimed(make_block)
    staff = as_user(block, "instructor")
    for html in (render(staff), render(block)):
        assert 'name="number"' not in html and "Revoke" not in html and "Reinstate" not in html
    for name in ("revoke", "reissue", "reinstate"):
        assert not hasattr(CertificateBlock, name)
    assert Certificate.objects.get(pk=cert.pk).status == "valid"


def test_student_view_data_reports_the_certificate(make_block, media):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    state = call(block, "learner_state", method="GET")[1]
    assert state["certificate"] is None and state["eligible"]
    call(block, "claim", CLAIM)
    data = call(block, "learner_state", method="GET")[1]
    assert data["certificate"]["status"] == "valid" and data["certificate"]["verification_url"].endswith(
        data["certificate"]["number"])
