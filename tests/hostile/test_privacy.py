"""Logs at INFO and above carry no email address, name or reflection text, across a whole course run."""
import logging

import pytest

from elsx.curriculum import get_curriculum
from elsx.models import Certificate, LearnerProfile
from tests.cohort_helpers import cohort_xml, token_of
from tests.conftest import correct_answers, render, wrong_answers
from tests.hostile.conftest import COURSE, STAFF, certificate_action, json_call, raw_call

pytestmark = pytest.mark.django_db

LEARNER = "privy"
FULL_NAME = "Perpetua Privatename"
EMAIL = "perpetua.privatename@sheriff-private.example"
LEGAL = "Perpetua X. Legalprivate"
AGENCY = "Privatename County Sheriff"
STATE_ID = "STID-PRIV-90210"
REFLECTION = "Perpetua's confidential reflection: our unit mishandled a runaway report last spring."
PRIVATE = (FULL_NAME, EMAIL, LEGAL, AGENCY, STATE_ID, REFLECTION, "Perpetua", "Privatename", "mishandled")


def test_a_full_learner_run_and_a_staff_run_log_nothing_personal(make_block, media, client, caplog):
    LearnerProfile.objects.create(course_key=COURSE, learner_id=LEARNER, full_name=FULL_NAME, email=EMAIL,
                                  username=LEARNER)
    caplog.set_level(logging.INFO)  # every logger, INFO and above
    # The learner: every topic visited, read, checked (a failed try first), reflected on.
    for topic in get_curriculum().topics:
        block = make_block(f'<elsx_topic topic_id="{topic.id}"/>', LEARNER)
        render(block)
        for section in topic.section_ids():
            assert json_call(block, "view_section", {"section": section})[0] == 200
        assert json_call(block, "submit_check", {"answers": wrong_answers(topic)})[0] == 200
        assert json_call(block, "submit_check", {"answers": correct_answers(topic)})[0] == 200
        assert json_call(block, "save_reflection", {"text": "x"})[0] == 400  # an error path too
        assert json_call(block, "save_reflection", {"text": f"{REFLECTION} ({topic.id})"})[0] == 200
    render(make_block("<elsx_progress/>", LEARNER))
    cert_block = make_block("<elsx_certificate/>", LEARNER)
    render(cert_block)
    claim = {"legal_name": LEGAL, "agency": AGENCY, "role": "le_executive", "state_training_id": STATE_ID,
             "state": "TX"}
    assert json_call(cert_block, "claim", dict(claim, role="sheriff"))[0] == 400
    status, payload, raw, _headers = json_call(cert_block, "claim", claim)  # a real WeasyPrint render
    assert status == 200, raw[:300]
    assert raw_call(cert_block, "download", method="GET")[0] == 200
    number = Certificate.objects.get(learner_id=LEARNER).number
    for path in (f"/elsx/verify/{payload['number']}", f"/elsx/verify/{payload['number']}.json"):
        assert client.get(path).status_code == 200
    # The staff: dashboard, search, drill-down, email list, both exports, revoke, reinstate, reissue, bulk issue.
    staff = make_block(cohort_xml(), STAFF)
    render(staff)
    assert json_call(staff, "grid", {"search": "Perpetua"})[1]["total"] == 1
    assert json_call(staff, "learner", {"learner_id": LEARNER})[0] == 200
    assert json_call(staff, "emails", {"search": "perpetua"})[1]["count"] == 1
    for kind in ("roster", "credit"):
        status, exported, _raw, _headers = json_call(staff, "export", {"kind": kind})
        assert status == 200
        assert raw_call(staff, "download", method="GET", query=f"token={token_of(exported['url'])}")[0] == 200
    # Revoke, reinstate and reissue from the drill-down, reasons naming the learner.
    assert certificate_action(staff, "revoke", number, LEARNER, reason=f"Wrong agency: {AGENCY}")[0] == 200
    status, reinstated, raw, _headers = certificate_action(staff, "reinstate", number, LEARNER,
                                                           reason=f"{LEGAL} by mistake")
    assert status == 200, raw[:300]
    assert certificate_action(staff, "reissue", reinstated["number"], LEARNER, legal_name=LEGAL + " Jr.")[0] == 200
    assert json_call(staff, "issue_certificates", {})[0] == 200

    logged = [record for record in caplog.records if record.levelno >= logging.INFO]
    assert any("issued certificate" in record.getMessage() for record in logged), "the run logged nothing?"
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")  # tracebacks included
    text = "\n".join(formatter.format(record) for record in logged)
    leaked = [secret for secret in PRIVATE if secret.lower() in text.lower()]
    assert leaked == [], [line for line in text.splitlines() if any(s.lower() in line.lower() for s in leaked)]
