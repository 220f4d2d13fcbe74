"""The agency readiness block: an executive's view of their agency's MKRP readiness; staff see every agency.

Thin over elsx.agency.api. A learner only ever reads or writes the agency they are linked to;
staff handlers answer 403 with no data to anyone else.
"""
import logging
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy  # field labels are built at import time
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

from elsx import templating
from elsx.agency import api, criteria
from elsx.agency import exports as agency_exports
from elsx.agency import documents, summary
from elsx.agency.models import KIND_CHOICES
from elsx.blocks.base import ElsxBlockMixin, file_chunks, json_handler, json_response, query_params
from elsx.blocks.uploads import upload_handler
from elsx.cohort.exports import encode
from elsx.errors import ElsxError, InvalidInput, NotAllowed
from elsx.validation import clean_text, parse_int, require_keys

log = logging.getLogger(__name__)
ID_MAX_DIGITS = 9
MAX_PAGE = 10 ** 6
VIEW_KEYS = ("state", "kind", "readiness", "page")
# The capstone's self-assessment keys (elsx.capstone.api.CRITERIA) -> the MKRP criteria here.
CAPSTONE_CRITERIA = {"executive_training": criteria.EXECUTIVE, "policy": criteria.POLICY,
                     "personnel_training": criteria.PERSONNEL}


def _document(row):
    policy = next(c for c in row.criteria if c.key == criteria.POLICY)
    return bool(policy.attestation and policy.attestation.evidence.get(api.DOCUMENT))


def _attachment(response, disposition):
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def parse_id(value, field="agency"):
    """An agency (or version) number from a request, through the one request-number parser."""
    return parse_int(value, field, _("Agency number"), 1, 10 ** ID_MAX_DIGITS - 1)


@XBlock.wants("user")
@XBlock.needs("i18n")
class ReadinessBlock(ElsxBlockMixin, XBlock):
    """Your agency's readiness for the Missing Kids Readiness Program; all agencies for course staff."""

    display_name = String(display_name=gettext_lazy("Display name"), default="Agency readiness",
                          scope=Scope.settings)
    completion_mode = XBlockCompletionMode.EXCLUDED

    # --- rendering -----------------------------------------------------------

    def _learner_context(self, learner):
        course_key = self.course_key()
        agency = api.agency_of(course_key, learner.id)
        context = {"dom_id": self.dom_id(), "kinds": KIND_CHOICES, "agency": agency, "today": timezone.localdate()}
        if agency is None:
            from elsx.models import LearnerProfile
            profile = LearnerProfile.objects.filter(course_key=course_key, learner_id=learner.id).first()
            context["prefill"] = {"agency": profile.agency if profile else "", "state": profile.state if profile else ""}
            return context
        readiness = api.readiness(agency.pk)
        context["current"] = {c.key: (c.attestation.evidence if c.attestation else {}) for c in readiness.criteria}
        context["from_capstone"] = self._capstone_hints(course_key, learner.id)
        context.update({
            "readiness": readiness, "executive": api.is_executive(course_key, learner.id),
            "state_label": agency_exports.state_labels()[readiness.state],
            "trainings": list(criteria.EXECUTIVE_TRAININGS[agency.kind].items()),
            "personnel_word": criteria.PERSONNEL_WORD[agency.kind],
            "cells": {c.key: agency_exports.criterion_cell(c) for c in readiness.criteria},
            "summary_url": self.runtime.handler_url(self, "summary"),
            "document": context["current"][criteria.POLICY].get(api.DOCUMENT),
            "els_certificate": self._els_certificate(agency),
            "document_url": self.runtime.handler_url(self, "policy_document"),
            "document_max_mb": f"{documents.max_bytes() / 1048576:g}",
        })
        return context

    @staticmethod
    def _els_certificate(agency):
        from elsx.certificates import numbers
        cert = api.executive_certificate(agency)
        return {"number": numbers.display(cert.number), "issued": cert.issued_at} if cert else None

    @staticmethod
    def _capstone_hints(course_key, learner_id):
        """What the learner's capstone readiness self-assessment said, criterion by criterion."""
        from elsx.capstone import api as capstone  # the capstone knows nothing of agencies
        plan = capstone.get_plan(course_key, learner_id)
        hints = {}
        for criterion in plan.readiness:
            key = CAPSTONE_CRITERIA.get(criterion.key)
            if key and (criterion.status or criterion.evidence):
                hints[key] = {"status": str(capstone.STATUS_LABELS.get(criterion.status, "")),
                              "evidence": criterion.evidence, "gap": criterion.gap}
        return hints

    def _staff_rows(self, view=None):
        """One page of the staff table; view holds the filters and page the staff member is on."""
        view = view or {}
        found = api.dashboard_page(state=view.get("state", ""), kind=view.get("kind", ""),
                                   readiness_state=view.get("readiness", ""), page=view.get("page", 1))
        return {"dom_id": self.dom_id(), "rows": found.rows, "page": found, "labels": agency_exports.state_labels(),
                "cells": {row.agency.pk: [agency_exports.criterion_cell(c) for c in row.criteria]
                          for row in found.rows},
                "ready_count": found.ready_count,
                "summary_urls": {row.agency.pk: self.runtime.handler_url(self, "summary", query=f"agency={row.agency.pk}")
                                 for row in found.rows},
                "document_urls": {row.agency.pk: self.runtime.handler_url(self, "policy_document",
                                                                          query=f"agency={row.agency.pk}")
                                  for row in found.rows if _document(row)}}

    @staticmethod
    def _view(data):
        """The filters and page of the staff table, from a request (all optional)."""
        if not isinstance(data, dict):
            raise InvalidInput(_("The view must be a JSON object."), field="view")
        require_keys(data, VIEW_KEYS)
        labels = {"state": _("State"), "kind": _("Type"), "readiness": _("Readiness")}
        view = {key: clean_text(data.get(key, ""), key, labels[key], 0, 64, required=False) for key in labels}
        view["page"] = parse_int(data.get("page", 1), "page", _("Page"), 1, MAX_PAGE)
        return view

    def _rows_html(self, view=None):
        rows = self._staff_rows(view)
        # The page shown (a number past the end is the last page): Next and Previous step from it.
        return {"html": templating.render("elsx/readiness_rows.html", rows), "page": rows["page"].number}

    def _staff_context(self):
        context = self._staff_rows()
        context.update({"kinds": KIND_CHOICES, "states": list(api.STATES), "labels": agency_exports.state_labels(),
                        "renewals": api.renewals_due(),
                        "export_url": self.runtime.handler_url(self, "export")})
        return context

    def student_view(self, context=None):
        learner = self.current_learner()
        if learner.is_anonymous:
            return self.fragment("elsx/message.html", {"message": _("Sign in to see your agency's readiness.")})
        if learner.is_staff:
            body = templating.render("elsx/readiness_staff.html", self._staff_context())
        else:
            body = templating.render("elsx/readiness_learner.html", self._learner_context(learner))
        return self.fragment("elsx/readiness.html", {"dom_id": self.dom_id(), "body": body},
                             js_class="ElsxReadiness", js=("js/elsx.js", "js/readiness.js"))

    def _learner_html(self, learner):
        return {"html": templating.render("elsx/readiness_learner.html", self._learner_context(learner))}

    # --- learner handlers ------------------------------------------------------

    @json_handler()
    def link(self, data, learner):
        """Name the learner's agency (matched to an existing record when the name matches)."""
        require_keys(data, ("agency", "kind", "state", "executive", "ori"), required=("agency", "kind"))
        if not isinstance(data.get("executive", False), bool):
            raise InvalidInput(_("Say whether you lead this agency."), field="executive")
        api.link_learner(self.course_key(), learner.id, data["agency"], data["kind"], data.get("state", ""),
                         data.get("executive", False), data.get("ori", ""))
        return self._learner_html(learner)

    @json_handler()
    def suggest(self, data, learner):
        require_keys(data, ("agency", "state"), required=("agency",))
        name = clean_text(data["agency"], "agency", _("Agency"), 0, 200, required=False)
        state = clean_text(data.get("state", ""), "state", _("State"), 0, 64, required=False)
        return {"suggestions": [agency.name for agency in api.suggest(name, state)]}

    @json_handler()
    def attest(self, data, learner):
        require_keys(data, ("criterion", "evidence"), required=("criterion", "evidence"))
        if not isinstance(data["criterion"], str) or data["criterion"] not in criteria.ORDER:
            raise InvalidInput(_("Unknown criterion."), field="criterion")
        api.attest(self.course_key(), learner.id, data["criterion"], data["evidence"])
        return self._learner_html(learner)

    @upload_handler("document", documents)
    def upload_policy(self, upload, learner):
        """multipart/form-data, one file in field "document": the policy document (PDF or .docx)."""
        api.attach_policy_document(self.course_key(), learner.id, upload.data, upload.filename)
        return self._learner_html(learner)

    # --- staff handlers ----------------------------------------------------------

    @json_handler(staff_only=True)
    def agencies(self, data, learner):
        """A page of the staff table: filters by state, type and readiness, and the page number."""
        return self._rows_html(self._view(data))

    @json_handler(staff_only=True)
    def review(self, data, learner):
        require_keys(data, ("agency", "criterion", "version", "accept", "comment", "view"),
                     required=("agency", "criterion", "version", "accept"))
        view = self._view(data.get("view", {}))
        if not isinstance(data["accept"], bool):
            raise InvalidInput(_("Say whether you accept or return it."), field="accept")
        version = parse_id(data["version"], "version")
        api.review(parse_id(data["agency"]), data["criterion"], version, data["accept"], data.get("comment", ""),
                   learner.id)
        return self._rows_html(view)

    @json_handler(staff_only=True)
    def merge(self, data, learner):
        require_keys(data, ("keep", "drop", "view"), required=("keep", "drop"))
        view = self._view(data.get("view", {}))
        api.merge(parse_id(data["keep"], "keep"), parse_id(data["drop"], "drop"), learner.id)
        return self._rows_html(view)

    @json_handler(staff_only=True)
    def membership(self, data, learner):
        require_keys(data, ("agency", "member_since", "view"), required=("agency", "member_since"))
        view = self._view(data.get("view", {}))
        api.record_membership(parse_id(data["agency"]), data["member_since"], learner.id)
        return self._rows_html(view)

    # --- downloads ------------------------------------------------------------------

    def _get_only(self, request):
        if request.method != "GET":
            response = json_response({"error": _("Use GET for this request.")}, 405)
            response.headers["Allow"] = "GET"
            return response
        return None

    def _requested_agency(self, request, executive_only, refusal):
        """Staff name any agency (?agency=N); a learner gets their own agency, or NotAllowed(refusal)."""
        learner = self.current_learner()
        if learner.is_anonymous:
            raise NotAllowed(_("Sign in to continue."))
        args = query_params(request)
        if learner.is_staff and "agency" in args:
            require_keys(args, ("agency",))
            return parse_id(args["agency"])
        require_keys(args, ())
        agency = api.agency_of(self.course_key(), learner.id)
        if agency is None or (executive_only and not api.is_executive(self.course_key(), learner.id)):
            raise NotAllowed(refusal)
        return agency.pk

    @XBlock.handler
    def summary(self, request, suffix=""):
        """GET: the application summary PDF: the executive's own agency, or ?agency=N for staff."""
        refused = self._get_only(request)
        if refused:
            return refused
        try:
            agency_id = self._requested_agency(request, True, _("Only the agency's executive can download its summary."))
            pdf = summary.summary_pdf(api.readiness(agency_id))
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        log.info("elsx: agency summary %s downloaded", agency_id)
        return _attachment(Response(body=pdf, content_type="application/pdf"),
                           f'attachment; filename="mkrp-summary-{agency_id}.pdf"')

    @XBlock.handler
    def policy_document(self, request, suffix=""):
        """GET: the policy document of the learner's own agency (anyone linked to it, as they see its
        readiness), or ?agency=N for staff. Everyone else: 403 and no data."""
        refused = self._get_only(request)
        if refused:
            return refused
        try:
            agency_id = self._requested_agency(
                request, False, _("Only people of this agency and course staff can see its documents."))
            meta, handle = api.policy_document(agency_id)
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        log.info("elsx: agency %s policy document downloaded", agency_id)
        label = meta["filename"]
        return _attachment(Response(app_iter=file_chunks(handle), content_type=documents.CONTENT_TYPES[meta["kind"]]),
                           f'attachment; filename="{documents.ascii_fallback(label)}"; '
                           f"filename*=UTF-8''{quote(label, safe='')}")

    @XBlock.handler
    def export(self, request, suffix=""):
        """GET: every agency's readiness as CSV. Staff only."""
        refused = self._get_only(request)
        if refused:
            return refused
        try:
            learner = self.current_learner()
            if learner.is_anonymous or not learner.is_staff:
                raise NotAllowed(_("This is for course staff only."))
            require_keys(query_params(request), ())
            lines = agency_exports.readiness_csv(api.dashboard())
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        name = f"elsx-agency-readiness-{timezone.localdate().isoformat()}.csv"
        return _attachment(Response(app_iter=encode(lines), content_type="text/csv", charset="utf-8"),
                           f'attachment; filename="{name}"')

    @staticmethod
    def workbench_scenarios():
        """As an executive: ?student=partway; as staff: ?student=instructor (seed with elsx_seed_demo)."""
        return [("ELSX Agency readiness", '<elsx_readiness display_name="Agency readiness"/>')]
