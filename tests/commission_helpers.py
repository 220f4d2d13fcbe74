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
