"""The final-assessment block: start an attempt, answer the drawn questions, see the score.

Thin: the rules live in elsx.assessment.api. The browser only ever gets the
prompts and options of the learner's own draw, never the key.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Integer, Scope, String

from elsx import events, templating
from elsx.assessment import api
from elsx.blocks.base import ElsxBlockMixin, json_handler
from elsx.validation import require_keys


@XBlock.wants("user")
@XBlock.needs("i18n")
class FinalAssessmentBlock(ElsxBlockMixin, CompletableXBlockMixin, XBlock):
    """The summative final assessment drawn from modules/final-assessment.xml."""

    display_name = String(display_name=gettext_lazy("Display name"), default="Final assessment",
                          scope=Scope.settings)
    question_count = Integer(display_name=gettext_lazy("Questions per attempt"), default=0, scope=Scope.settings,
                             help=gettext_lazy("0: the ELSX setting FINAL_QUESTIONS (25)."))
    pass_mark = Integer(display_name=gettext_lazy("Pass mark (%)"), default=0, scope=Scope.settings,
                        help=gettext_lazy("0: the ELSX setting FINAL_PASS_MARK (80)."))
    max_attempts = Integer(display_name=gettext_lazy("Attempts allowed"), default=0, scope=Scope.settings,
                           help=gettext_lazy("0: the ELSX setting FINAL_MAX_ATTEMPTS (3)."))
    wait_minutes = Integer(display_name=gettext_lazy("Minutes between attempts"), default=-1, scope=Scope.settings,
                           help=gettext_lazy("-1: the ELSX setting FINAL_WAIT_MINUTES (0)."))

    has_score = True
    icon_class = "problem"

    def rules(self):
        return api.rules(self.question_count, self.pass_mark, self.max_attempts, self.wait_minutes)

    def max_score(self):
        return self.rules().questions

    def _context(self, learner):
        rules = self.rules()
        state = api.state(self.course_key(), learner.id, rules) if not learner.is_anonymous else None
        open_attempt = state.open_attempt if state else None
        return {
            "dom_id": self.dom_id(),
            "learner": learner,
            "rules": rules,
            "state": state,
            "unavailable": api.unavailable(),
            "can_start": bool(state and state.can_start()) and not api.unavailable(),
            "attempt": open_attempt,
            "questions": api.shown_questions(open_attempt) if open_attempt else [],
            "history": [{"attempt": attempt, "review": api.topic_titles(attempt.review_topics)}
                        for attempt in (state.attempts if state else [])],
            "grants": api.recent_grants(self.course_key()) if learner.is_staff else [],
        }

    def _body(self, learner):
        return templating.render("elsx/final_body.html", self._context(learner))

    def student_view(self, context=None):
        learner = self.current_learner()
        return self.fragment("elsx/final.html", self._context(learner), js_class="ElsxFinal",
                             js=("js/elsx.js", "js/final.js"))

    @json_handler()
    def start(self, data, learner):
        require_keys(data, ())
        attempt = api.start(self.course_key(), learner, self.rules())
        return {"draw_id": attempt.draw_id, "html": self._body(learner)}

    @json_handler()
    def submit(self, data, learner):
        require_keys(data, ("draw_id", "answers"), required=("draw_id", "answers"))
        result = api.submit(self.course_key(), learner, data["draw_id"], data["answers"])
        attempt = result.attempt
        if not result.duplicate:
            # Best attempt counts: the LMS's grade handler passes only_if_higher on to SCORE_PUBLISHED
            # (openedx-platform xmodule/services.py EventPublishingService._handle_grade_event; the same in
            # openedx/core/djangoapps/xblock/runtime/runtime.py handle_grade_event).
            self.runtime.publish(self, "grade", {"value": attempt.correct, "max_value": attempt.total,
                                                 "only_if_higher": True})
            events.publish(self, events.FINAL_SUBMITTED, attempt=attempt.number, score=attempt.score,
                           passed=attempt.passed, correct=attempt.correct, total=attempt.total)
            if attempt.passed:
                self.emit_completion(1.0)
        return {"score": attempt.score, "passed": attempt.passed, "duplicate": result.duplicate,
                "review_topics": api.topic_titles(attempt.review_topics), "html": self._body(learner)}

    @json_handler(staff_only=True)
    def grant_attempt(self, data, learner):
        require_keys(data, ("learner_id", "reason"), required=("learner_id", "reason"))
        row = api.grant(self.course_key(), data["learner_id"], learner, data["reason"])
        events.publish(self, events.FINAL_GRANTED, learner_id=row.learner_id)
        # The log again, so the grant just made shows without a reload.
        return {"message": _("One more attempt granted."),
                "grants_html": templating.render("elsx/final_grants.html",
                                                 {"grants": api.recent_grants(self.course_key())})}

    @staticmethod
    def workbench_scenarios():
        return [("ELSX Final assessment", "<vertical_demo><elsx_progress/><elsx_final/></vertical_demo>")]
