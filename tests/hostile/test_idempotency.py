"""Double submits produce one effect; concurrent requests for one learner lose nothing."""
import threading

import pytest
from django.db import connection

from elsx.certificates import api
from elsx.curriculum import get_curriculum
from elsx.models import Certificate, TopicProgress
from tests.conftest import correct_answers
from tests.hostile import inventory
from tests.hostile.conftest import ALICE, CAROL, MALLORY, STAFF, json_call, snapshot

TOPIC_ID = "vulnerable-populations"
TOPIC = f'<elsx_topic topic_id="{TOPIC_ID}"/>'
# Bumped by any visit: not an effect of the request itself.
CLOCKS = ("updated_at", "last_activity_at")


def write_requests(alice_number):
    topic = get_curriculum().topic(TOPIC_ID)
    return {
        ("elsx_topic", "view_section"): (MALLORY, {"section": topic.section_ids()[-1]}),
        ("elsx_topic", "submit_check"): (MALLORY, {"answers": correct_answers(topic)}),
        ("elsx_topic", "save_reflection"): (MALLORY, {"text": "Saved twice by a double click on Save."}),
        ("elsx_topic", "heartbeat"): (MALLORY, {"section": topic.section_ids()[0]}),
        ("elsx_topic", "studio_submit"): (STAFF, {"title": "Edited once"}),
        ("elsx_topic", "choose_scenario"): (MALLORY, inventory.sample_request(("elsx_topic", "choose_scenario"),
                                                                           alice_number)[0]),
        ("elsx_capstone", "save_plan"): (MALLORY, inventory.sample_plan()),
        ("elsx_capstone", "submit_plan"): (MALLORY, inventory.sample_plan()),
        ("elsx_capstone", "withdraw_plan"): (MALLORY, {}),
        ("elsx_certificate", "claim"): (CAROL, {"legal_name": "Carol C.", "agency": "Harbor PD", "role": "psap"}),
        ("elsx_cohort", "revoke_certificate"): (STAFF, {"learner_id": ALICE, "number": alice_number,
                                                        "reason": "Issued in error"}),
        ("elsx_cohort", "reissue_certificate"): (STAFF, {"learner_id": ALICE, "number": alice_number,
                                                         "legal_name": "Alicia Q. New"}),
        ("elsx_cohort", "reinstate_certificate"): (STAFF, {"learner_id": ALICE, "number": alice_number,
                                                           "reason": "Revoked in error"}),
        ("elsx_cohort", "issue_certificates"): (STAFF, {}),
        ("elsx_cohort", "export"): (STAFF, {"kind": "roster"}),
        ("elsx_cohort", "nudge_send"): (STAFF, {"status": "behind"}),
        ("elsx_readiness", "link"): (MALLORY, {"agency": "Harbor Police Department", "kind": "psap"}),
        ("elsx_readiness", "attest"): (ALICE, {"criterion": "executive",
                                               "evidence": {"training": "mkrp_online", "completed_on": "2025-02-03"}}),
        ("elsx_readiness", "review"): (STAFF, {"agency": 1, "criterion": "executive", "version": 1,
                                               "accept": False, "comment": "Add the date."}),
        ("elsx_readiness", "merge"): (STAFF, {"keep": 1, "drop": 2}),
        ("elsx_readiness", "membership"): (STAFF, {"agency": 1, "member_since": "2024-01-06"}),
        ("elsx_cohort", "submit_studio_edits"): (STAFF, {"values": {"cohort_start": "2026-10-05"}, "defaults": []}),
        ("elsx_final", "start"): (CAROL, {}),
        ("elsx_final", "grant_attempt"): (STAFF, {"learner_id": "carol", "reason": "Connection lost"}),
        ("elsx_evaluation", "submit"): (MALLORY, inventory.sample_request(("elsx_evaluation", "submit"), "")[0]),
    }


WRITES = sorted(write_requests("X"))
# The one answer a repeat gets: 409 where the first request changed what the second one needs (a revoked
# certificate is not revoked again; a reissued or reinstated number is no longer the learner's current one).
REPEATED = {("elsx_cohort", "revoke_certificate"): 409, ("elsx_cohort", "reissue_certificate"): 409,
            ("elsx_cohort", "reinstate_certificate"): 409}


def test_every_state_changing_handler_is_in_the_double_submit_list():
    reads = {("elsx_progress", "refresh"), ("elsx_cohort", "grid"), ("elsx_cohort", "refresh"),
             ("elsx_cohort", "learner"), ("elsx_cohort", "emails"), ("elsx_cohort", "agencies"),
             ("elsx_cohort", "issue_preview"), ("elsx_cohort", "export_status"), ("elsx_cohort", "nudge_preview"),
             ("elsx_readiness", "suggest"), ("elsx_readiness", "agencies"), ("elsx_cohort", "review_detail")}
    # Writes that need a record made first (a drawn attempt, a submission): their double submits are
    # tested in tests/test_assessment.py and tests/test_review.py.
    reads |= {("elsx_final", "submit"), ("elsx_cohort", "review_decide")}
    assert set(WRITES) | reads == set(inventory.json_handlers_with(
        inventory.LEARNER, inventory.STAFF_ONLY, inventory.AUTHORING))


def effects():
    """Stored state, less clocks and download links: each export answer carries a fresh 10-minute token
    (only its hash is stored, so one can't be handed out twice); a link is a capability, not a record."""
    state = snapshot(ignore=CLOCKS)
    state.pop("ExportLink", None)
    return state


@pytest.mark.django_db
@pytest.mark.parametrize("key", WRITES, ids=inventory.ident)
def test_a_double_submit_has_one_effect(make_block, world, events, key):
    user, body = write_requests(world.alice_number)[key]
    if key == ("elsx_cohort", "reinstate_certificate"):  # only a revoked certificate can be reinstated
        api.revoke(world.alice_number, "Revoked by mistake", by=STAFF)
    block = make_block(inventory.BLOCK_XML[key[0]] if key[0] != "elsx_topic" else TOPIC, user)
    first = json_call(block, key[1], body)
    assert first[0] == 200, first[2][:300]
    after_first = effects()
    grades = len(events.of("grade"))
    second = json_call(block, key[1], body)
    expected = REPEATED.get(key, 200)
    assert second[0] == expected, second[2][:300]  # 409: "already revoked / already reissued"
    assert bool(second[1].get("error")) is (expected != 200), second[1]  # a message exactly when refused
    assert effects() == after_first
    assert len(events.of("grade")) == grades  # a repeated check is not graded again
    assert len(events.of("completion")) <= 1


# --- races: real threads, real transactions (also run on MariaDB by `make test`) -----

def run_threads(targets):
    barrier, errors, results = threading.Barrier(len(targets)), [], []

    def worker(target):
        try:
            barrier.wait(timeout=20)
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=worker, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results, errors


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_concurrent_handler_writes_for_one_learner_lose_nothing(make_block, world):
    topics = get_curriculum().topics[:2]
    usages = {}
    for topic in topics:
        block = make_block(f'<elsx_topic topic_id="{topic.id}"/>', "racer")
        usages[topic.id] = block.scope_ids.usage_id
        # The workbench's own field store (not elsx) creates its rows on first read without a lock: warm it.
        assert json_call(block, "view_section", {"section": "warm-up"})[0] == 400

    def request(topic, handler, body):
        def go():
            from workbench.runtime import WorkbenchRuntime
            block = WorkbenchRuntime("racer").get_block(usages[topic.id])
            return json_call(block, handler, body)[0]
        return go
    targets = []
    for topic in topics:
        targets += [request(topic, "view_section", {"section": sid}) for sid in topic.section_ids()]
        targets += [request(topic, "submit_check", {"answers": correct_answers(topic)})] * 2
        targets += [request(topic, "save_reflection", {"text": f"Reflection on {topic.id}, typed once."})]
    results, errors = run_threads(targets)
    assert errors == [] and results == [200] * len(targets)
    for topic in topics:
        row = TopicProgress.objects.get(learner_id="racer", topic_id=topic.id)
        assert sorted(row.sections_viewed) == sorted(topic.section_ids())
        assert row.attempts == 1 and row.completed_at is not None and row.reflection.startswith("Reflection")


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_two_staff_revoking_at_once_revoke_once(make_block, world):
    usage = make_block(inventory.BLOCK_XML["elsx_cohort"], STAFF).scope_ids.usage_id

    def revoke():
        from workbench.runtime import WorkbenchRuntime
        block = WorkbenchRuntime(STAFF).get_block(usage)
        return json_call(block, "revoke_certificate", {"learner_id": ALICE, "number": world.alice_number,
                                                       "reason": "Issued in error"})[0]
    results, errors = run_threads([revoke] * 4)
    assert errors == [] and sorted(results) == [200, 409, 409, 409]
    assert Certificate.objects.get(number=world.alice_number).status == Certificate.STATUS_REVOKED


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_claim_issues_one_certificate(make_block, world):
    usage = make_block("<elsx_certificate/>", CAROL).scope_ids.usage_id
    body = {"legal_name": "Carol C.", "agency": "Harbor PD", "role": "psap"}

    def claim():
        from workbench.runtime import WorkbenchRuntime
        return json_call(WorkbenchRuntime(CAROL).get_block(usage), "claim", body)[1].get("number")
    results, errors = run_threads([claim] * 4)
    assert errors == [] and len(set(results)) == 1 and results[0]
    assert Certificate.objects.filter(learner_id=CAROL).count() == 1
