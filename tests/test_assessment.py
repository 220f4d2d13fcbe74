"""The final assessment: unlock, stratified draw, no key in the browser, limits, grants, bad input, grade."""
import json
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from elsx.assessment import api
from elsx.assessment.models import FinalAttempt, FinalGrant
from elsx.curriculum import get_curriculum
from tests.certificates_helpers import complete_topics, learner
from tests.conftest import call, render

XML = "<elsx_final/>"
COURSE = "course-v1:ELSX+EXEC101+demo"


def key_for(attempt):
    bank = api.bank()
    return {item["id"]: bank[item["id"]][1].correct_option_id for item in attempt.draw}


def wrong_for(attempt, how_many):
    answers = key_for(attempt)
    bank = api.bank()
    for item in attempt.draw[:how_many]:
        answers[item["id"]] = next(o.id for o in bank[item["id"]][1].options if not o.correct)
    return answers


def test_bank_is_the_course_file_with_50_questions_four_per_topic():
    bank = api.bank()
    assert len(bank) >= 50
    per_topic = Counter(topic for topic, _q in bank.values())
    assert set(per_topic) == set(get_curriculum().topic_ids()) and min(per_topic.values()) >= 4


@pytest.mark.parametrize("seed", range(5))
def test_draw_is_stratified_and_shuffled(seed):
    drawn = api.draw(25, random.Random(seed))
    per_topic = Counter(item["topic"] for item in drawn)
    assert len(drawn) == 25 and len({item["id"] for item in drawn}) == 25
    assert len(per_topic) == 10 and set(per_topic.values()) <= {2, 3}
    bank = api.bank()
    assert all(sorted(item["options"]) == sorted(bank[item["id"]][1].option_ids()) for item in drawn)


def test_option_order_varies_between_draws():
    orders = {tuple(item["options"]) for seed in range(20) for item in api.draw(25, random.Random(seed))
              if item["id"] == "vp-1"}
    assert len(orders) > 1


def test_locked_until_every_topic_is_complete(db):
    who = complete_topics("learner-1", skip=("media-relations",))
    with pytest.raises(api.NotAllowed):
        api.start(COURSE, who)
    assert FinalAttempt.objects.count() == 0


def test_pass_fail_and_topics_to_review(db):
    who = complete_topics("learner-1")
    attempt = api.start(COURSE, who)
    result = api.submit(COURSE, who, attempt.draw_id, wrong_for(attempt, 6))
    assert result.score == 76 and not result.passed  # 19 of 25
    assert result.attempt.review_topics and set(result.attempt.review_topics) <= set(get_curriculum().topic_ids())
    second = api.start(COURSE, who)
    assert second.number == 2 and second.draw_id != attempt.draw_id
    assert api.submit(COURSE, who, second.draw_id, key_for(second)).passed
    assert api.passed(COURSE, "learner-1")
    with pytest.raises(api.NotAllowed):
        api.start(COURSE, who)  # passed: no more attempts


def test_double_submit_records_once_and_changed_answers_are_409(db):
    who = complete_topics("learner-1")
    attempt = api.start(COURSE, who)
    answers = wrong_for(attempt, 10)
    first = api.submit(COURSE, who, attempt.draw_id, answers)
    again = api.submit(COURSE, who, attempt.draw_id, answers)
    assert not first.duplicate and again.duplicate and again.score == first.score
    with pytest.raises(api.Conflict):
        api.submit(COURSE, who, attempt.draw_id, key_for(attempt))
    stored = FinalAttempt.objects.get(pk=attempt.pk)
    assert stored.answers == answers and stored.score == first.score


def test_start_twice_gives_the_same_open_attempt(db):
    who = complete_topics("learner-1")
    assert api.start(COURSE, who).pk == api.start(COURSE, who).pk
    assert FinalAttempt.objects.count() == 1


def test_limit_wait_and_staff_grant(db):
    who = complete_topics("learner-1")
    rules = api.rules(max_attempts=2, wait_minutes=30)
    now = timezone.now()
    first = api.start(COURSE, who, rules, now=now)
    api.submit(COURSE, who, first.draw_id, wrong_for(first, 25), now=now)
    with pytest.raises(api.NotAllowed):
        api.start(COURSE, who, rules, now=now + timedelta(minutes=29))
    second = api.start(COURSE, who, rules, now=now + timedelta(minutes=31))
    api.submit(COURSE, who, second.draw_id, wrong_for(second, 25), now=now + timedelta(minutes=32))
    with pytest.raises(api.NotAllowed):
        api.start(COURSE, who, rules, now=now + timedelta(days=1))
    assert FinalAttempt.objects.count() == 2
    with pytest.raises(api.NotAllowed):
        api.grant(COURSE, "learner-1", who, "asked nicely")  # learners cannot grant
    staff = learner("instructor", staff=True)
    api.grant(COURSE, "learner-1", staff, "Power outage during attempt 2")
    grant = FinalGrant.objects.get()
    assert grant.granted_by == "instructor" and grant.reason == "Power outage during attempt 2"
    assert api.start(COURSE, who, rules, now=now + timedelta(days=1)).number == 3


def test_rules_come_from_settings(db, settings):
    settings.ELSX = {"FINAL_QUESTIONS": 10, "FINAL_PASS_MARK": 70, "FINAL_MAX_ATTEMPTS": 5, "FINAL_WAIT_MINUTES": 60}
    assert api.rules() == api.Rules(10, 70, 5, 60)
    assert api.rules(questions=20, pass_mark=90, max_attempts=1, wait_minutes=0) == api.Rules(20, 90, 1, 0)



def test_more_questions_than_the_bank_holds_is_the_bank_everywhere(make_block, settings):
    """A block asking for 200 from a 50-question bank: the rules, the page, max_score() and the attempt agree."""
    size = len(api.bank())
    settings.ELSX = {"FINAL_QUESTIONS": 200}
    assert api.rules().questions == size and api.rules(questions=size - 1).questions == size - 1
    block = make_block('<elsx_final question_count="200"/>', "learner-1")
    complete_topics("learner-1")
    assert block.max_score() == size
    assert f"{size} questions drawn from every topic" in render(block)
    status, body = call(block, "start", {})
    assert status == 200, body
    assert FinalAttempt.objects.get().total == size == block.max_score()


def test_an_unloadable_bank_leaves_the_rules_as_set(monkeypatch, settings):
    from elsx.curriculum import CurriculumError

    def broken():
        raise CurriculumError("no bank")
    monkeypatch.setattr(api, "bank", broken)
    settings.ELSX = {"FINAL_QUESTIONS": 30}
    assert api.rules().questions == 30 and api.unavailable()

# --- the block -----------------------------------------------------------------

def test_block_never_sends_the_key_or_explanations(make_block):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    status, body = call(block, "start", {})
    assert status == 200
    attempt = FinalAttempt.objects.get()
    html = body["html"] + render(block)
    bank = api.bank()
    for item in attempt.draw:
        question = bank[item["id"]][1]
        assert question.prompt.replace("'", "&#x27;").replace('"', "&quot;")[:40] in html
        assert question.explanation[:40] not in html
    assert 'correct="' not in html and "data-correct" not in html
    status, body = call(block, "submit", {"draw_id": attempt.draw_id, "answers": wrong_for(attempt, 3)})
    assert status == 200 and body["score"] == 88 and body["passed"]
    text = json.dumps(body)
    assert all(bank[item["id"]][1].explanation[:40] not in text for item in attempt.draw)


def test_block_publishes_grade_only_if_higher(make_block, events):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    call(block, "start", {})
    attempt = FinalAttempt.objects.get()
    payload = {"draw_id": attempt.draw_id, "answers": key_for(attempt)}
    call(block, "submit", payload)
    call(block, "submit", payload)
    grades = events.of("grade")
    assert grades == [{"value": 25, "max_value": 25, "only_if_higher": True}]
    assert events.of("completion") == [{"completion": 1.0}]


@pytest.mark.parametrize("tamper", ["undrawn", "draw_id", "other_learner", "bad_option", "extra_key"])
def test_tampered_submissions_are_4xx_and_store_nothing(make_block, tamper):
    complete_topics("learner-1")
    complete_topics("learner-2")
    block = make_block(XML, "learner-1")
    call(block, "start", {})
    other = make_block(XML, "learner-2")
    call(other, "start", {})
    attempt = FinalAttempt.objects.get(learner_id="learner-1")
    answers = key_for(attempt)
    payload = {"draw_id": attempt.draw_id, "answers": answers}
    if tamper == "undrawn":
        drawn = {item["id"] for item in attempt.draw}
        answers[next(qid for qid in api.bank() if qid not in drawn)] = "a"
    elif tamper == "draw_id":
        payload["draw_id"] = attempt.draw_id[:-2] + "xx"
    elif tamper == "other_learner":
        payload["draw_id"] = FinalAttempt.objects.get(learner_id="learner-2").draw_id
    elif tamper == "bad_option":
        answers[attempt.draw[0]["id"]] = "zz"
    else:
        payload["learner_id"] = "learner-2"
    status, body = call(block, "submit", payload)
    assert 400 <= status < 500 and body["error"]
    assert not FinalAttempt.objects.filter(submitted_at__isnull=False).exists()


def test_attempt_past_the_limit_is_403_and_stores_nothing(make_block):
    complete_topics("learner-1")
    block = make_block('<elsx_final max_attempts="1"/>', "learner-1")
    call(block, "start", {})
    attempt = FinalAttempt.objects.get()
    call(block, "submit", {"draw_id": attempt.draw_id, "answers": wrong_for(attempt, 25)})
    status, body = call(block, "start", {})
    assert status == 403 and FinalAttempt.objects.count() == 1
    assert "Ask your facilitator" in render(block)


def test_grant_handler_is_staff_only(make_block):
    complete_topics("learner-1")
    status, _body = call(make_block(XML, "learner-1"), "grant_attempt", {"learner_id": "learner-1", "reason": "x y z"})
    assert status == 403 and not FinalGrant.objects.exists()
    status, body = call(make_block(XML, "instructor"), "grant_attempt",
                        {"learner_id": "learner-1", "reason": "Lost connection"})
    assert status == 200 and FinalGrant.objects.count() == 1


def test_staff_see_the_grant_log_and_learners_do_not(make_block):
    complete_topics("learner-1")
    assert "Power cut" not in render(make_block(XML, "instructor"))
    status, body = call(make_block(XML, "instructor"), "grant_attempt",
                        {"learner_id": "learner-1", "reason": "<b>Power cut</b>"})
    # The reply carries the log with the new grant, so the page shows it without a reload.
    assert status == 200 and "&lt;b&gt;Power cut&lt;/b&gt;" in body["grants_html"]
    assert "<b>" not in body["grants_html"] and "<td>learner-1</td>" in body["grants_html"]
    staff_page = render(make_block(XML, "instructor"))
    assert 'data-region="grant-log"' in staff_page and "&lt;b&gt;Power cut&lt;/b&gt;" in staff_page
    assert "<b>Power cut" not in staff_page
    learner_page = render(make_block(XML, "learner-1"))
    assert 'data-region="grant-log"' not in learner_page and "Power cut" not in learner_page


def test_a_submitted_attempt_cannot_be_saved_or_deleted(db):
    from elsx.assessment.models import AttemptImmutable
    who = complete_topics("learner-1")
    attempt = api.start(COURSE, who)
    attempt.pass_mark = 70
    attempt.save()  # before submitting, the row may still change
    api.submit(COURSE, who, attempt.draw_id, wrong_for(attempt, 25))
    stored = FinalAttempt.objects.get()
    stored.score, stored.passed = 100, True
    with pytest.raises(AttemptImmutable):
        stored.save()
    with pytest.raises(AttemptImmutable):
        stored.delete()
    stored.refresh_from_db()
    assert stored.score == 0 and not stored.passed and FinalAttempt.objects.count() == 1


def test_locked_block_names_the_missing_topics(make_block):
    complete_topics("learner-1", skip=("media-relations",))
    html = render(make_block(XML, "learner-1"))
    assert "Media Relations" in html and 'data-region="final-start"' not in html


def test_olx_export_grades_the_final_beside_the_ten_checks():
    from elsx import olx
    files = olx.course_files(get_curriculum(), run="2027", commission=True)
    grading = json.loads(files["policies/2027/grading_policy.json"])
    assert grading["GRADER"] == [
        {"type": "Knowledge Check", "short_label": "KC", "min_count": 10, "drop_count": 0, "weight": 0.25},
        {"type": "Final Assessment", "short_label": "Final", "min_count": 1, "drop_count": 0, "weight": 0.75}]
    assert b'format="Final Assessment"' in files["sequential/final-assessment.xml"]
    assert b"<elsx_final" in files["vertical/unit-final.xml"]
    assert b"<elsx_evaluation" in files["vertical/unit-evaluation.xml"]
    policy = json.loads(files["policies/2027/policy.json"])["course/2027"]
    assert {"elsx_final", "elsx_evaluation"} <= set(policy["advanced_modules"])
    assert b"counts 75%" in files["about/overview.html"]
    plain = olx.course_files(get_curriculum(), run="2027", commission=False)
    assert "vertical/unit-final.xml" not in plain


def test_attempts_grants_evaluations_and_reviews_are_tracking_events_without_text(make_block, events):
    complete_topics("learner-1")
    block = make_block(XML, "learner-1")
    call(block, "start", {})
    attempt = FinalAttempt.objects.get()
    call(block, "submit", {"draw_id": attempt.draw_id, "answers": key_for(attempt)})
    assert events.of("edx.elsx.final.submitted") == [
        {"attempt": 1, "score": 100, "passed": True, "correct": 25, "total": 25}]
    call(make_block(XML, "instructor"), "grant_attempt", {"learner_id": "learner-1", "reason": "Private reason"})
    assert events.of("edx.elsx.final.granted") == [{"learner_id": "learner-1"}]
    assert "Private reason" not in json.dumps([data for _b, _k, data in events])
