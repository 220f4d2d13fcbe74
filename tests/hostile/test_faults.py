"""Faults: the database, the storage backend or WeasyPrint failing mid-write leave nothing half-done."""
import pytest
from elsx.storage import get_storage
from django.db import OperationalError

from elsx.certificates import api
from elsx.curriculum import get_curriculum
from elsx.models import Certificate, LearnerProfile, TopicProgress
from tests.conftest import correct_answers
from tests.hostile.conftest import (CAROL, MALLORY, certificate_action, file_digests, json_call, snapshot,
                                    staff_block)

pytestmark = pytest.mark.django_db

CLAIM = {"legal_name": "Carol Claimant", "agency": "Harbor PD", "role": "psap"}
TOPIC = '<elsx_topic topic_id="vulnerable-populations"/>'


def fail_on_save(monkeypatch, model):
    def down(*args, **kwargs):
        raise OperationalError("(2006, 'MySQL server has gone away')")
    monkeypatch.setattr(model, "save", down)


def topic_requests():
    topic = get_curriculum().topic("vulnerable-populations")
    return [("view_section", {"section": topic.section_ids()[-1]}),
            ("submit_check", {"answers": correct_answers(topic)}),
            ("save_reflection", {"text": "A reflection that the database never receives."})]


@pytest.mark.parametrize("model", [TopicProgress, LearnerProfile])
@pytest.mark.parametrize("handler,body", topic_requests(), ids=lambda value: value if isinstance(value, str) else "")
def test_database_down_during_a_progress_write_is_503_and_stores_nothing(make_block, world, monkeypatch, model,
                                                                         handler, body):
    block = make_block(TOPIC, MALLORY)
    before = snapshot()
    fail_on_save(monkeypatch, model)
    status, payload, _raw, _headers = json_call(block, handler, body)
    assert status == 503 and "nothing was saved" in payload["error"]
    assert snapshot() == before
    monkeypatch.undo()
    assert json_call(block, handler, body)[0] == 200  # and the retry goes through


def test_database_down_while_inserting_a_certificate_leaves_no_row_and_no_file(make_block, world, media,
                                                                               monkeypatch):
    block = make_block("<elsx_certificate/>", CAROL)
    files = file_digests(media)
    fail_on_save(monkeypatch, Certificate)
    status, payload, _raw, _headers = json_call(block, "claim", CLAIM)
    assert status == 503 and payload["error"]
    assert not Certificate.objects.filter(learner_id=CAROL).exists()
    assert file_digests(media) == files  # the stored PDF was deleted again
    monkeypatch.undo()
    status, payload, _raw, _headers = json_call(block, "claim", CLAIM)
    assert status == 200 and Certificate.objects.filter(learner_id=CAROL).count() == 1


def test_storage_failing_while_saving_the_pdf_issues_nothing_and_a_retry_succeeds(make_block, world, media,
                                                                                  monkeypatch):
    block = make_block("<elsx_certificate/>", CAROL)

    def full(name, content, max_length=None):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(get_storage(), "save", full)
    status, payload, _raw, _headers = json_call(block, "claim", CLAIM)
    assert status == 503 and "nothing was issued" in payload["error"]
    assert not Certificate.objects.filter(learner_id=CAROL).exists()
    monkeypatch.undo()
    status, payload, _raw, _headers = json_call(block, "claim", CLAIM)
    cert = Certificate.objects.get(learner_id=CAROL)
    assert status == 200 and get_storage().exists(cert.pdf_path)


def test_weasyprint_raising_is_a_clear_error_and_a_retry_succeeds(make_block, world, monkeypatch):
    block = make_block("<elsx_certificate/>", CAROL)

    def crash(prepared):
        raise AssertionError("weasyprint internal error")  # the kind WeasyPrint is known to raise
    monkeypatch.setattr(api, "render_pdf", crash)
    status, payload, _raw, _headers = json_call(block, "claim", CLAIM)
    assert status == 503 and "could not be created" in payload["error"]
    assert not Certificate.objects.filter(learner_id=CAROL).exists()
    monkeypatch.undo()
    assert json_call(block, "claim", CLAIM)[0] == 200
    assert Certificate.objects.filter(learner_id=CAROL).count() == 1


def test_staff_actions_fail_whole(make_block, world, media, monkeypatch):
    staff = staff_block(make_block)
    before, files = snapshot(), file_digests(media)
    fail_on_save(monkeypatch, Certificate)
    assert certificate_action(staff, "revoke", world.alice_number, reason="Issued in error")[0] == 503
    assert certificate_action(staff, "reissue", world.alice_number, legal_name="Alicia Q. New")[0] == 503
    assert snapshot() == before and file_digests(media) == files
    monkeypatch.undo()

    def full(name, content, max_length=None):
        raise OSError(5, "I/O error")
    monkeypatch.setattr(get_storage(), "save", full)
    assert certificate_action(staff, "reissue", world.alice_number, legal_name="Alicia Q. New")[0] == 503
    assert snapshot() == before
    monkeypatch.undo()
    assert certificate_action(staff, "reissue", world.alice_number, legal_name="Alicia Q. New")[0] == 200
