"""Helpers for the commission tests (kept out of conftest.py, which other work owns)."""
from webob import Request


def handler_get_text(block, handler, query=""):
    """GET a handler; returns (status, body as text)."""
    request = Request.blank("/" + (f"?{query}" if query else ""), method="GET")
    response = block.runtime.handle(block, handler, request)
    return response.status_code, response.body.decode("utf-8", "replace")


def meet_commission(course_key, learner_id, affirm=True):
    """Pass the final, submit the evaluation, have every reviewed topic accepted (and affirm), with the APIs."""
    from elsx.affirmation import api as affirmation
    from elsx.assessment import api as assessment
    from elsx.curriculum import get_curriculum
    from elsx.evaluation import api as evaluation
    from elsx.learners import Learner
    from elsx.review import api as review
    who, staff = Learner(id=learner_id), Learner(id="instructor", is_staff=True)
    for topic_id in review.review_topics():
        row = review.submit(course_key, learner_id, topic_id, "A plan with owners, dates and measures.")
        if row.status == "pending":
            review.decide(course_key, row.pk, staff, "accept", {key: 2 for key, _l in review.RUBRIC}, "")
    attempt = assessment.start(course_key, who)
    bank = assessment.bank()
    assessment.submit(course_key, who, attempt.draw_id,
                      {item["id"]: bank[item["id"]][1].correct_option_id for item in attempt.draw})
    evaluation.submit(course_key, who, {item.id: 4 for item in evaluation.rated_items()}, {})
    if affirm:
        affirmation.record(course_key, learner_id)
    assert get_curriculum()  # loaded


def commission_topics(learner_id, course_key="course-v1:ELSX+EXEC101+demo", full_name="Dana Okonkwo"):
    """Every topic done, the reviewed ones submitted for review (pending), as a learner with COMMISSION on."""
    from elsx import conf, progress
    from elsx.curriculum import get_curriculum
    from elsx.review import api as review
    from tests.certificates_helpers import complete_topics
    reviewed = review.review_topics()
    who = complete_topics(learner_id, skip=tuple(reviewed), course_key=course_key, full_name=full_name)
    for topic_id in reviewed:
        topic = get_curriculum().topic(topic_id)
        for section_id in topic.section_ids():
            progress.view_section(course_key, who, topic, section_id)
        progress.submit_check(course_key, who, topic, {q.id: q.correct_option_id for q in topic.questions},
                              conf.get("PASS_MARK_DEFAULT"))
        review.save_reflection(course_key, who, topic, "A plan with owners, dates and measures.")
    return who
