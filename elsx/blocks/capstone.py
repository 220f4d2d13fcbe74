"""The capstone block: the Community Action Plan builder, placed in topic 10's unit. Logic in elsx.capstone.api."""
import logging

from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

from elsx import templating
from elsx.blocks.base import ElsxBlockMixin, json_handler, json_response, query_params
from elsx.capstone import api as capstone
from elsx.curriculum import get_curriculum
from elsx.errors import ElsxError, InvalidInput, NotAllowed, NotFound
from elsx.validation import require_keys

log = logging.getLogger(__name__)


@XBlock.wants("user")
@XBlock.needs("i18n")
class CapstoneBlock(ElsxBlockMixin, XBlock):
    """Readiness against the MKRP criteria, three to five goals, a communication plan; a PDF to take away."""

    display_name = String(display_name=gettext_lazy("Display name"), default="Your Community Action Plan",
                          scope=Scope.settings)
    # Credit comes from the topic and the facilitator review, not from opening this block.
    completion_mode = XBlockCompletionMode.EXCLUDED

    def _context(self, plan, learner, message=""):
        if plan is None:
            plan = capstone.get_plan("", "")  # an empty plan, never stored: anonymous preview
        slots = list(plan.goals) + [capstone.Goal()] * (capstone.MAX_GOALS - len(plan.goals))
        return {
            "dom_id": self.dom_id(), "learner": learner, "plan": plan, "plan_message": message,
            "plan_goals": [[(name, str(label), limit, getattr(goal, name)) for name, label, limit in
                            capstone.GOAL_FIELDS] for goal in slots],
            "plan_communication": [(name, str(label), limit, getattr(plan.communication, name))
                                   for name, label, limit in capstone.COMMUNICATION_FIELDS],
            "plan_statuses": [(key, str(label)) for key, label in capstone.STATUS_LABELS.items()],
            "plan_min_goals": capstone.MIN_GOALS,
            "plan_pdf_url": self.runtime.handler_url(self, "download") if not learner.is_anonymous else "",
        }

    def student_view(self, context=None):
        learner = self.current_learner()
        plan = None if learner.is_anonymous else capstone.get_plan(self.course_key(), learner.id)
        return self.fragment("elsx/capstone.html", self._context(plan, learner),
                             js_class="ElsxCapstone", js=("js/elsx.js", "js/capstone.js"))

    def _reply(self, plan, learner, message):
        return {"plan_html": templating.render("elsx/capstone_form.html", self._context(plan, learner, message)),
                "submitted": plan.is_submitted, "revision": plan.revision}

    @json_handler()
    def save_plan(self, data, learner):
        plan = capstone.save_plan(self.course_key(), learner.id, data)
        return self._reply(plan, learner, _("Draft saved."))

    @json_handler()
    def submit_plan(self, data, learner):
        """The plan as on screen, saved and submitted in one step; {} submits the saved draft."""
        plan = capstone.submit_plan(self.course_key(), learner.id, data or None)  # {}: as saved
        return self._reply(plan, learner, _("Submitted for review."))

    @json_handler()
    def withdraw_plan(self, data, learner):
        require_keys(data, ())
        plan = capstone.reopen_plan(self.course_key(), learner.id)
        return self._reply(plan, learner, _("Withdrawn: you can edit the plan again."))

    @XBlock.handler
    def download(self, request, suffix=""):
        """GET: the learner's own plan as a PDF; who the learner is comes from the runtime, never the request."""
        if request.method not in ("GET", "HEAD"):
            response = json_response({"error": _("Use GET for this request.")}, 405)
            response.headers["Allow"] = "GET"
            return response
        try:
            learner = self.current_learner()
            if learner.is_anonymous:
                raise NotAllowed(_("Sign in to continue."))
            if query_params(request):
                raise InvalidInput(_("This download takes no parameters."))
            plan = capstone.get_plan(self.course_key(), learner.id)
            if plan.revision == 0:
                raise NotFound(_("Save your plan first."))
            data = capstone.plan_pdf(plan, learner_name=learner.full_name, course_title=get_curriculum().title)
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        except DatabaseError:
            log.exception("elsx: database error in the capstone PDF handler")
            return json_response({"error": _("The service is temporarily unavailable. Please try again.")}, 503)
        response = Response(body=data, content_type="application/pdf")
        response.headers["Content-Disposition"] = 'attachment; filename="community-action-plan.pdf"'
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @staticmethod
    def workbench_scenarios():
        return [("ELSX Capstone: Community Action Plan builder", "<elsx_capstone/>")]
