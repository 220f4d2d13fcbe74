"""The capstone Community Action Plan: drafts, submission, hostile input, and the PDF."""
import io
import threading

import pytest
from django.db import connection

from elsx.capstone import api
from elsx.capstone.models import CommunityActionPlan
from tests.conftest import COURSE, as_user, call, render

XML = "<elsx_capstone/>"


def full_plan(**overrides):
    goal = {"goal": "Join the Missing Kids Readiness Program within 12 months",
            "owner": "Deputy Chief R. Alvarez", "timeline": "Policy adopted by month 6; application in month 11",
            "resources": "40 on-duty hours for training; legal review", "partners": "County PSAP; NCMEC MKRP team",
            "measure": "Share of sworn staff trained: 60% today, 100% by month 10"}
    plan = {
        "readiness": {
            "executive_training": {"status": "met", "evidence": "Chief completed the MKRP online course, 2026",
                                   "gap": ""},
            "policy": {"status": "partly", "evidence": "Policy dated 2019", "gap": "No NCMEC notification step"},
            "personnel_training": {"status": "not_met", "evidence": "60% of sworn staff trained",
                                   "gap": "40% remain; no new-hire step"},
        },
        "goals": [dict(goal), dict(goal, goal="Median time to NCIC entry under two hours"),
                  dict(goal, goal="A documented family referral in every case"),
                  {name: "" for name in goal}, {name: "" for name in goal}],
        "communication": {"personnel": "Roll-call briefings by the chief in month 1",
                          "partners": "Quarterly MDT meeting updates", "community": "Council report each quarter",
                          "first_review": "2027-03-01"},
    }
    plan.update(overrides)
    return plan


@pytest.fixture
def block(make_block):
    return make_block(XML, "learner-1")


def stored():
    return list(CommunityActionPlan.objects.values("learner_id", "data", "revision", "submitted_at"))


def test_the_builder_renders_three_criteria_five_goal_slots_and_the_communication_plan(block):
    html = render(block)
    for key, _label in api.CRITERIA:
        assert f'data-criterion="{key}"' in html
    assert html.count("data-goal=") == 5
    assert 'data-part="communication"' in html and 'type="date"' in html
    assert "Download the plan" not in html  # nothing saved yet


def test_save_submit_withdraw_round_trip(block):
    status, body = call(block, "save_plan", full_plan())
    assert status == 200, body
    assert body["revision"] == 1 and not body["submitted"]
    plan = api.get_plan(COURSE, "learner-1")
    assert len(plan.goals) == 3 and plan.is_complete  # blank goal slots are not goals
    assert call(block, "save_plan", full_plan())[1]["revision"] == 1  # same content: same version
    status, body = call(block, "submit_plan", full_plan())
    assert status == 200 and body["submitted"], body
    first = api.get_plan(COURSE, "learner-1")
    assert first.is_submitted and first.submitted_revision == 1
    assert call(block, "submit_plan", full_plan())[0] == 200
    assert call(block, "submit_plan", {})[0] == 200
    assert api.get_plan(COURSE, "learner-1").submitted_at == first.submitted_at
    assert call(block, "save_plan", full_plan())[0] == 200  # the same content: nothing to refuse
    status, body = call(block, "save_plan", full_plan(goals=full_plan()["goals"][:3] + [full_plan()["goals"][0]]))
    assert status == 409 and body["error"]
    assert call(block, "withdraw_plan", {})[0] == 200
    assert not api.get_plan(COURSE, "learner-1").is_submitted
    changed = full_plan(communication=dict(full_plan()["communication"], community="Annual public report"))
    assert call(block, "save_plan", changed)[1]["revision"] == 2
    assert "Download the plan" in render(block)


def test_an_incomplete_plan_cannot_be_submitted_and_says_what_is_missing(block):
    plan = full_plan()
    plan["goals"] = plan["goals"][:2]
    plan["readiness"]["policy"]["evidence"] = ""
    assert call(block, "save_plan", plan)[0] == 200
    before = stored()
    status, body = call(block, "submit_plan", dict(plan, communication=dict(plan["communication"], partners="")))
    assert status == 400
    assert any("Policy" in item for item in body["missing"])
    assert any("at least 3 goals" in item for item in body["missing"])
    assert any("Your partners" in item for item in body["missing"])
    assert stored() == before  # all or nothing: not even the draft changed
    assert call(as_user(block, "learner-2"), "submit_plan", {})[0] == 400


HOSTILE = {
    "six goals": lambda p: dict(p, goals=p["goals"] + [p["goals"][0]]),
    "goals not a list": lambda p: dict(p, goals={"goal": "x"}),
    "unknown goal field": lambda p: dict(p, goals=[dict(p["goals"][0], budget="1")]),
    "goal field not text": lambda p: dict(p, goals=[dict(p["goals"][0], owner=["a"])]),
    "nul byte": lambda p: dict(p, goals=[dict(p["goals"][0], owner="Chief\x00")]),
    "lone surrogate": lambda p: dict(p, goals=[dict(p["goals"][0], owner="Chief \ud800")]),
    "too long": lambda p: dict(p, goals=[dict(p["goals"][0], measure="x" * 501)]),
    "bad status": lambda p: dict(p, readiness=dict(p["readiness"], policy={"status": "yes", "evidence": "",
                                                                            "gap": ""})),
    "unknown criterion": lambda p: dict(p, readiness=dict(p["readiness"], budget={"status": "met"})),
    "bad date": lambda p: dict(p, communication=dict(p["communication"], first_review="next March")),
    "impossible date": lambda p: dict(p, communication=dict(p["communication"], first_review="2027-02-30")),
    "missing part": lambda p: {"readiness": p["readiness"], "goals": p["goals"]},
    "extra key": lambda p: dict(p, learner_id="someone-else"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_a_clear_400_and_stores_nothing(block, name):
    assert call(block, "save_plan", full_plan())[0] == 200
    before = stored()
    status, body = call(block, "save_plan", HOSTILE[name](full_plan()))
    assert status == 400, body
    assert isinstance(body["error"], str) and body["error"].strip()
    assert stored() == before


def test_markup_is_stored_as_text_and_escaped_on_the_page(block):
    evil = '<script>alert(1)</script><img src="file:///etc/passwd">'
    plan = full_plan()
    plan["goals"][0]["owner"] = evil
    assert call(block, "save_plan", plan)[0] == 200
    html = render(block)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_the_pdf_is_the_learners_own_escaped_and_fetches_nothing_outside(block, make_block):
    from elsx.certificates import render as certificate_render
    from pypdf import PdfReader
    evil = '<img src="file:///etc/passwd"><link rel=stylesheet href="https://evil.example/x.css">'
    plan = full_plan()
    plan["goals"][0]["owner"] = "Deputy Chief Ålvarez " + evil
    assert call(block, "save_plan", plan)[0] == 200
    other = as_user(block, "learner-2")
    assert call(other, "save_plan", full_plan(goals=[dict(full_plan()["goals"][0], owner="Someone Else Entirely")]))[0] \
        == 200
    before = len(certificate_render.renderer().fetcher.refused())
    status, data = pdf(block)
    assert status == 200 and data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Ålvarez" in text and "file:///etc/passwd" in text.replace("\n", "")  # printed as text
    assert "Someone Else" not in text
    assert len(certificate_render.renderer().fetcher.refused()) == before


def pdf(block, method="GET"):
    from webob import Request
    request = Request.blank("/", method=method)
    response = block.runtime.handle(block, "download", request)
    return response.status_code, response.body


def test_the_pdf_needs_a_signed_in_learner_with_a_saved_plan(block, make_block):
    assert pdf(make_block(XML, ""))[0] == 403
    assert pdf(block)[0] == 404
    assert pdf(block, "POST")[0] == 405


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_make_one_row_and_consistent_versions():
    barrier, errors = threading.Barrier(4), []

    def worker(number):
        try:
            barrier.wait(timeout=20)
            api.save_plan(COURSE, "racer", full_plan(communication=dict(
                full_plan()["communication"], community=f"Report {number}")))
        except Exception as exc:  # noqa: BLE001 - collected below
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    rows = CommunityActionPlan.objects.filter(learner_id="racer")
    assert rows.count() == 1
    assert not [e for e in errors if "locked" not in e], errors
    assert rows.get().revision == 4 - len(errors)


def test_retirement_deletes_the_plan(block):
    from elsx.retirement import retire_learner
    assert call(block, "save_plan", full_plan())[0] == 200
    assert retire_learner("learner-1").plans == 1
    assert not CommunityActionPlan.objects.exists()
    assert retire_learner("learner-1").plans == 0
