"""Tracking events: one per learner and staff action, with ids, counts and scores only."""
import json

import pytest

from elsx import compat, events as elsx_events, retirement
from elsx.certificates import api, numbers
from tests.certificates_helpers import CLAIM, complete_topics, media  # noqa: F401
from tests.conftest import call, correct_answers, wrong_answers

pytestmark = pytest.mark.django_db
REFLECTION = "Our agency will review its missing-child intake policy this quarter."


@pytest.fixture
def emitted(monkeypatch):
    recorded = []
    monkeypatch.setattr(compat, "emit_tracking_event", lambda name, data: recorded.append((name, data)))
    return recorded


def elsx_only(recorded):
    return [(kind, data) for _block, kind, data in recorded if kind.startswith("edx.elsx.")]


def assert_private(pairs):
    text = json.dumps(pairs)
    for secret in (CLAIM["legal_name"], CLAIM["agency"], CLAIM["state_training_id"], "@example.org", REFLECTION,
                   "Dana", "Okonkwo"):
        assert secret not in text
    for kind, data in pairs:
        assert set(data) <= set(elsx_events.FIELDS[kind]), kind


def test_a_topic_publishes_read_submitted_saved_and_completed(make_block, events):
    block = make_block('<elsx_topic topic_id="vulnerable-populations"/>', "learner-1")
    topic = block.topic()
    for section in topic.sections:
        call(block, "view_section", {"section": section.id})
    call(block, "submit_check", {"answers": wrong_answers(topic)})
    call(block, "submit_check", {"answers": correct_answers(topic)})
    call(block, "save_reflection", {"text": REFLECTION})
    published = elsx_only(events)
    kinds = [kind for kind, _data in published]
    assert kinds == [elsx_events.SECTION_READ] * len(topic.sections) + [elsx_events.CHECK_SUBMITTED] * 2 + [
        elsx_events.REFLECTION_SAVED, elsx_events.TOPIC_COMPLETED]
    checks = [data for kind, data in published if kind == elsx_events.CHECK_SUBMITTED]
    assert [(c["score"], c["attempt"], c["passed"]) for c in checks] == [(0, 1, False), (100, 2, True)]
    assert published[-2][1] == {"topic_id": topic.id, "length": len(REFLECTION)}
    assert published[-1][1] == {"topic_id": topic.id, "credit_hours": float(topic.hours)}
    assert_private(published)


def test_certificate_claim_issue_revoke_reissue(make_block, events, emitted, media):  # noqa: F811
    complete_topics("learner-1")
    block = make_block("<elsx_certificate/>", "learner-1")
    status, body = call(block, "claim", CLAIM)
    assert status == 200
    number = numbers.normalize(body["number"])
    assert elsx_only(events) == [(elsx_events.CERTIFICATE_CLAIMED, {"certificate_number": number})]
    assert emitted[0][0] == elsx_events.CERTIFICATE_ISSUED and emitted[0][1]["certificate_number"] == number
    new = api.reissue(number, by="instructor", legal_name="Dana M. Okonkwo")
    api.revoke(new.number, "Issued in error.", by="instructor")
    kinds = [kind for kind, _data in emitted]
    assert kinds == [elsx_events.CERTIFICATE_ISSUED, elsx_events.CERTIFICATE_REISSUED,
                     elsx_events.CERTIFICATE_REVOKED]
    assert emitted[1][1]["replaces"] == number and emitted[2][1]["by_retirement"] is False
    assert_private(elsx_only(events) + emitted)


def test_retirement_revocations_are_events_too(emitted, media):  # noqa: F811
    who = complete_topics("learner-1")
    api.claim("course-v1:ELSX+EXEC101+demo", who, **CLAIM)
    retirement.retire_learner("learner-1")
    assert emitted[-1][0] == elsx_events.CERTIFICATE_REVOKED and emitted[-1][1]["by_retirement"] is True


def test_an_export_is_an_event(make_block, events):
    complete_topics("learner-1")
    status, _body = call(make_block("<elsx_cohort/>", "instructor"), "export", {"kind": "roster"})
    assert status == 200
    assert elsx_only(events) == [(elsx_events.EXPORT_CREATED, {"kind": "roster", "profile": None, "rows": 1,
                                                              "mode": "inline"})]


def test_free_text_or_an_unknown_field_is_refused():
    with pytest.raises(ValueError):
        elsx_events._clean(elsx_events.REFLECTION_SAVED, {"text": REFLECTION})
    with pytest.raises(ValueError):
        elsx_events._clean(elsx_events.SECTION_READ, {"topic_id": "a topic with spaces"})


def test_every_event_is_documented():
    from pathlib import Path
    doc = (Path(__file__).resolve().parent.parent / "docs" / "events.md").read_text(encoding="utf-8")
    for name, fields in elsx_events.FIELDS.items():
        assert f"`{name}`" in doc, name
        for field in fields:
            assert f"`{field}`" in doc, (name, field)
