"""The course evaluation block: the learner's form, then thanks; staff see aggregates only.

Thin: elsx.evaluation.api stores who completed it apart from what they said.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

from elsx import events, templating
from elsx.blocks.base import ElsxBlockMixin, json_handler, json_response, query_params
from elsx.errors import ElsxError, Unavailable
from elsx.cohort.exports import encode
from elsx.evaluation import api
from elsx.validation import require_keys


@XBlock.wants("user")
@XBlock.needs("i18n")
class EvaluationBlock(ElsxBlockMixin, XBlock):
    """The required course evaluation (modules/evaluation.xml)."""

    display_name = String(display_name=gettext_lazy("Display name"), default="Course evaluation",
                          scope=Scope.settings)
    # Answering a survey is not learning; staff track it as a requirement instead.
    completion_mode = XBlockCompletionMode.EXCLUDED

    def _context(self, learner):
        course_key = self.course_key()
        unavailable = api.unavailable()
        return {
            "dom_id": self.dom_id(),
            "learner": learner,
            "unavailable": unavailable,
            "form": None if unavailable else api.form(),
            "completion": api.completion(course_key, learner.id) if not learner.is_anonymous else None,
            "summary": api.summary(course_key) if learner.is_staff and not unavailable else None,
            "export_url": self.runtime.handler_url(self, "export") if learner.is_staff else "",
            "comment_max": api.COMMENT_MAX,
        }

    def student_view(self, context=None):
        learner = self.current_learner()
        return self.fragment("elsx/evaluation.html", self._context(learner), js_class="ElsxEvaluation",
                             js=("js/elsx.js", "js/evaluation.js"))

    @json_handler()
    def submit(self, data, learner):
        require_keys(data, ("ratings", "comments"), required=("ratings",))
        _done, duplicate = api.submit(self.course_key(), learner, data["ratings"], data.get("comments", {}))
        if not duplicate:
            events.publish(self, events.EVALUATION_SUBMITTED)
        return {"duplicate": duplicate,
                "html": templating.render("elsx/evaluation_body.html", self._context(learner))}

    @XBlock.handler
    def export(self, request, suffix=""):
        """GET, staff only: the anonymous responses as CSV."""
        learner = self.current_learner()
        if learner.is_anonymous or not learner.is_staff:
            return json_response({"error": _("This is for course staff only.")}, 403)
        if request.method != "GET":
            response = json_response({"error": _("Use GET for this request.")}, 405)
            response.headers["Allow"] = "GET"
            return response
        try:
            require_keys(query_params(request), ())
            if api.unavailable():
                raise Unavailable(api.unavailable())
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        response = Response(app_iter=encode(api.export_lines(self.course_key())), content_type="text/csv",
                            charset="utf-8")
        response.headers["Content-Disposition"] = 'attachment; filename="course-evaluation-anonymous.csv"'
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def workbench_scenarios():
        return [("ELSX Course evaluation", "<vertical_demo><elsx_evaluation/></vertical_demo>")]
