"""Facilitator review of the capstone: submit, queue, rubric, return with comment, resubmit, accept, complete."""
import pytest

from elsx.curriculum import get_curriculum
from elsx.models import TopicProgress
from elsx.review import api as review
from elsx.review.models import ReviewSubmission
from tests.certificates_helpers import complete_topics, learner
from tests.conftest import call, correct_answers, render

CAPSTONE = "community-action-planning"
TOPIC_XML = f'<elsx_topic topic_id="{CAPSTONE}"/>'
COHORT_XML = '<elsx_cohort cohort_start="2026-11-02"/>'
RUBRIC = {key: 2 for key, _label in review.RUBRIC}
COURSE = "course-v1:ELSX+EXEC101+demo"


@pytest.fixture
def commission(settings):
    settings.ELSX = {"COMMISSION": True, "REFLECTION_MIN_WORDS_BY_TOPIC": {CAPSTONE: 5}, "REFLECTION_MIN_WORDS": 5}


def finish_capstone(block, text="Goals owners timeline resources measures partners communication."):
    topic = block.topic()
    for section in topic.sections:
        assert call(block, "view_section", {"section": section.id})[0] == 200
    assert call(block, "submit_check", {"answers": correct_answers(topic)})[0] == 200
    status, body = call(block, "save_reflection", {"text": text})
    assert status == 200, body
    return body


def capstone_row(learner_id="learner-1"):
    return TopicProgress.objects.get(learner_id=learner_id, topic_id=CAPSTONE)


def test_default_is_the_capstone_only(commission):
    assert review.review_topics() == [CAPSTONE]
    assert get_curriculum().topic(CAPSTONE).number == 10


def test_off_without_commission(make_block):
    block = make_block(TOPIC_XML, "learner-1")
    finish_capstone(block)
    assert capstone_row().completed_at is not None and not ReviewSubmission.objects.exists()


def test_return_with_comment_then_resubmit_then_accept(make_block, commission):
    complete_topics("learner-1", skip=(CAPSTONE,))
    block = make_block(TOPIC_XML, "learner-1")
    body = finish_capstone(block)
    assert "Submitted for facilitator review" in body["review_html"]
    assert capstone_row().completed_at is None  # everything done but the acceptance
    assert "Accepted by your facilitator" in body["checklist_html"]

    cohort = make_block(COHORT_XML, "instructor")
    html = render(cohort)
    first = ReviewSubmission.objects.get()
    assert f'data-review-open="{first.pk}"' in html
    status, detail = call(cohort, "review_detail", {"submission": first.pk})
    assert status == 200 and "Goals owners timeline" in detail["html"]
    for key, _label in review.RUBRIC:
        assert f'data-criterion="{key}"' in detail["html"]

    status, decided = call(cohort, "review_decide", {"submission": first.pk, "verdict": "return",
                                                     "rubric": dict(RUBRIC, owners=0),
                                                     "comment": "Name an <owner> for goal 2."})
    assert status == 200 and decided["status"] == "returned"
    html = render(block)
    assert "Returned for revision" in html and "Name an &lt;owner&gt; for goal 2." in html
    assert capstone_row().completed_at is None

    finish_capstone(block, text="Revised: goal 2 is owned by Captain Ruiz, by March.")
    second = ReviewSubmission.objects.order_by("-round").first()
    assert second.round == 2 and second.status == "pending" and "Captain Ruiz" in second.text
    status, _body = call(cohort, "review_decide", {"submission": second.pk, "verdict": "accept", "rubric": RUBRIC,
                                                   "comment": ""})
    assert status == 200
    assert capstone_row().completed_at is not None
    assert "Accepted by your facilitator on" in render(block)
    # Already decided: a second reviewer gets 409 and nothing changes.
    status, _body = call(cohort, "review_decide", {"submission": second.pk, "verdict": "return", "rubric": RUBRIC,
                                                   "comment": "late"})
    assert status == 409 and ReviewSubmission.objects.get(pk=second.pk).status == "accepted"


@pytest.mark.parametrize("data,field", [
    ({"verdict": "maybe", "rubric": RUBRIC, "comment": ""}, "verdict"),
    ({"verdict": "accept", "rubric": dict(RUBRIC, goals=5), "comment": ""}, "goals"),
    ({"verdict": "accept", "rubric": {"goals": 2}, "comment": ""}, "rubric"),
    ({"verdict": "return", "rubric": RUBRIC, "comment": "  "}, "comment"),
])
def test_bad_decisions_are_400_and_change_nothing(make_block, commission, data, field):
    finish_capstone(make_block(TOPIC_XML, "learner-1"))
    row = ReviewSubmission.objects.get()
    status, body = call(make_block(COHORT_XML, "instructor"), "review_decide", dict(data, submission=row.pk))
    assert status == 400 and body.get("field") == field
    assert ReviewSubmission.objects.get().status == "pending"


def test_review_handlers_are_staff_only(make_block, commission):
    finish_capstone(make_block(TOPIC_XML, "learner-1"))
    row = ReviewSubmission.objects.get()
    cohort = make_block(COHORT_XML, "learner-1")
    for handler, data in (("review_detail", {"submission": row.pk}),
                          ("review_decide", {"submission": row.pk, "verdict": "accept", "rubric": RUBRIC})):
        status, body = call(cohort, handler, data)
        assert status == 403 and "Goals" not in str(body)
    assert ReviewSubmission.objects.get().status == "pending"


def test_editing_while_pending_updates_the_round(commission, db):
    complete_topics("learner-1", skip=(CAPSTONE,))
    review.submit(COURSE, "learner-1", CAPSTONE, "first text")
    review.submit(COURSE, "learner-1", CAPSTONE, "second text")
    assert ReviewSubmission.objects.get().text == "second text"
    with pytest.raises(review.NotAllowed):
        review.decide(COURSE, ReviewSubmission.objects.get().pk, learner("learner-1"), "accept", RUBRIC, "")


def test_dashboard_filters_by_requirement_still_to_do(make_block, commission):
    from elsx.assessment import api as assessment
    from elsx.cohort import params, query
    from elsx.cohort.schedule import Schedule
    from tests.commission_helpers import commission_topics
    for learner_id in ("done-final", "no-final"):
        commission_topics(learner_id)
    row = ReviewSubmission.objects.get(learner_id="done-final")
    review.decide(COURSE, row.pk, learner("instructor", staff=True), "accept", RUBRIC, "")
    who = learner("done-final")
    attempt = assessment.start(COURSE, who)
    bank = assessment.bank()
    assessment.submit(COURSE, who, attempt.draw_id, {i["id"]: bank[i["id"]][1].correct_option_id for i in attempt.draw})
    html = render(make_block(COHORT_XML, "instructor"))
    assert 'name="missing"' in html and 'value="final_assessment"' in html and f'value="accepted:{CAPSTONE}"' in html
    schedule = Schedule.build("2026-11-02")

    def ids(**data):
        return sorted(p.learner_id for p in query.filtered(COURSE, params.parse(data), schedule))
    assert ids(missing="final_assessment") == ["no-final"]
    assert ids(missing="evaluation") == ["done-final", "no-final"]
    with pytest.raises(params.InvalidInput):
        params.parse({"missing": "made-up"})


def test_no_requirement_filter_without_commission(make_block):
    html = render(make_block(COHORT_XML, "instructor"))
    assert 'name="missing"' not in html


def test_retirement_empties_review_text_and_grant_reasons(commission, db):
    from elsx.assessment import api as assessment
    from elsx.assessment.models import FinalGrant
    from elsx.retirement import retire_learner
    complete_topics("learner-1", skip=(CAPSTONE,))
    review.submit(COURSE, "learner-1", CAPSTONE, "My plan names Chief Ortiz.")
    assessment.grant(COURSE, "learner-1", learner("instructor", staff=True), "Family emergency")
    assert retire_learner("learner-1").reviews == 2
    assert ReviewSubmission.objects.get().text == "" and FinalGrant.objects.get().reason == ""
    assert retire_learner("learner-1").reviews == 0


def test_review_shows_the_capstone_plan_and_returning_reopens_it(make_block, commission, monkeypatch):
    from types import SimpleNamespace as NS
    reopened = []
    plan = NS(revision=3, is_submitted=True, submitted_revision=3,
              readiness=(NS(key="policy", status="partly", evidence="Draft <policy>", gap="No sign-off"),),
              goals=(NS(goal="Adopt an AMBER plan", owner="Chief Ortiz", timeline="By June", resources="Budget",
                        partners="DA office", measure="Plan signed"),),
              communication=NS(personnel="Roll call", partners="MOU", community="Town hall", first_review="2027-01-15"))
    fake = NS(get_plan=lambda course, lid: plan, reopen_plan=lambda course, lid: reopened.append(lid))
    monkeypatch.setattr(review, "_capstone", lambda: fake)
    finish_capstone(make_block(TOPIC_XML, "learner-1"))
    row = ReviewSubmission.objects.get()
    assert row.plan_revision == 3
    cohort = make_block(COHORT_XML, "instructor")
    html = call(cohort, "review_detail", {"submission": row.pk})[1]["html"]
    assert "Community Action Plan (revision 3)" in html and "Chief Ortiz" in html and "Draft &lt;policy&gt;" in html
    call(cohort, "review_decide", {"submission": row.pk, "verdict": "return", "rubric": RUBRIC, "comment": "More"})
    assert reopened == ["learner-1"]
