"""The commission requirements sit in elsx.eligibility's one list: named, in order, and each one blocks the claim."""
import pytest

from elsx import eligibility
from elsx.models import Certificate
from tests.certificates_helpers import CLAIM, complete_topics, media  # noqa: F401
from tests.commission_helpers import commission_topics, meet_commission
from tests.conftest import call, render

COURSE = "course-v1:ELSX+EXEC101+demo"
KEYS = ["accepted:community-action-planning", "final_assessment", "evaluation", "affirmation"]


@pytest.fixture
def commission(db, settings, media):  # noqa: F811
    # Word minimums have their own tests; the helpers write short reflections.
    settings.ELSX = {"COMMISSION": True, "VERIFY_BASE_URL": "https://lms.example.org",
                     "REFLECTION_MIN_WORDS": 0, "REFLECTION_MIN_WORDS_BY_TOPIC": {}}


def test_turned_off_the_list_is_the_topics(db, settings, media):  # noqa: F811
    settings.ELSX = {"COMMISSION": False}  # the documented way out (on by default: test_commission_default.py)
    complete_topics("learner-1")
    assert eligibility.check(COURSE, "learner-1").eligible


def test_on_the_list_names_each_requirement_after_the_topics(commission):
    commission_topics("learner-1")
    status = eligibility.check(COURSE, "learner-1")
    keys = [req.key for req in status.requirements]
    assert all(key.startswith("topic:") for key in keys[:10])
    assert keys[10:] == KEYS and not status.eligible
    # The capstone topic itself waits for the acceptance too.
    assert [req.key for req in status.missing] == ["topic:community-action-planning"] + KEYS
    assert all(req.label and req.remaining for req in status.missing if req.key in KEYS)


@pytest.mark.parametrize("skip", ["final", "evaluation", "review", "affirm"])
def test_each_requirement_blocks_the_claim(make_block, commission, skip, monkeypatch):
    commission_topics("learner-1")
    if skip == "review":
        monkeypatch.setattr("elsx.review.api.review_topics", lambda: [])
    if skip == "final":
        monkeypatch.setattr("elsx.assessment.api.start", lambda *a, **k: (_ for _ in ()).throw(StopIteration))
    try:
        meet_commission(COURSE, "learner-1", affirm=False)
    except (StopIteration, RuntimeError, eligibility.NotAllowed if hasattr(eligibility, "NotAllowed") else RuntimeError):
        pass
    except Exception as exc:  # noqa: BLE001  the final stays locked while the capstone waits
        assert "final assessment opens" in str(exc)
        pass
    if skip == "evaluation":
        from elsx.evaluation.models import EvaluationCompletion, EvaluationResponse
        EvaluationCompletion.objects.all().delete()
        EvaluationResponse.objects.all().delete()
    block = make_block("<elsx_certificate/>", "learner-1")
    status, body = call(block, "claim", dict(CLAIM, affirm=skip != "affirm"))
    assert status in (400, 403) and not Certificate.objects.exists(), body


def test_all_met_and_affirmed_the_claim_issues(make_block, commission):
    commission_topics("learner-1")
    meet_commission(COURSE, "learner-1", affirm=False)
    block = make_block("<elsx_certificate/>", "learner-1")
    html = render(block)
    assert 'name="affirm"' in html  # ready to claim: only the affirmation is left
    status, body = call(block, "claim", dict(CLAIM, affirm=True))
    assert status == 200, body
    assert eligibility.check(COURSE, "learner-1").eligible


def test_progress_and_certificate_blocks_name_each_requirement(make_block, commission):
    commission_topics("learner-1")
    for xml in ("<elsx_progress/>", "<elsx_certificate/>"):
        html = render(make_block(xml, "learner-1"))
        for label in ("Final assessment", "Course evaluation", "Capstone accepted: Community Action Planning",
                      "Affirmation"):
            assert label in html, (xml, label)


def test_roster_and_learner_detail_name_the_requirements(make_block, commission):
    import csv
    import io
    commission_topics("learner-1")
    cohort = make_block('<elsx_cohort cohort_start="2026-11-02"/>', "instructor")
    status, body = call(cohort, "learner", {"learner_id": "learner-1"})
    assert status == 200 and "Final assessment" in body["html"] and "Course evaluation" in body["html"]
    from elsx.cohort import exports, params
    from elsx.cohort.schedule import Schedule
    rows = list(csv.reader(io.StringIO("".join(exports.roster_csv(COURSE, params.parse({}),
                                                                  Schedule.build("2026-11-02"))).lstrip("\ufeff"))))
    still = rows[0].index("Other requirements still to do")
    assert "Final assessment" in rows[1][still] and "Affirmation" in rows[1][still]


def test_check_many_costs_one_query_per_requirement_for_a_page(db, commission, django_assert_max_num_queries):
    for index in range(20):
        commission_topics(f"l{index}")
    with django_assert_max_num_queries(5):  # topic rows + final + review + evaluation + affirmation
        found = eligibility.check_many(COURSE, [f"l{index}" for index in range(20)])
    assert len(found) == 20 and not any(status.eligible for status in found.values())
