"""The certificate block: what's missing, the claim form, then the certificate and its links.

Thin: every rule lives in elsx.eligibility and elsx.certificates.api.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy  # field labels are built at import time
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

from elsx import compat, conf, eligibility, events, olx, templating
from elsx.affirmation import api as affirmation
from elsx.blocks.base import ElsxBlockMixin, json_handler, json_response, query_params, safe_view_data
from elsx.certificates import api, numbers
from elsx.curriculum import get_curriculum
from elsx.errors import ElsxError, NotAllowed, NotFound
from elsx.models import ROLE_CHOICES
from elsx.validation import require_keys

CLAIM_KEYS = ("legal_name", "agency", "role", "state_training_id", "state")


@XBlock.wants("user")
@XBlock.needs("i18n")
class CertificateBlock(ElsxBlockMixin, XBlock):
    """Claim and download the 11.0-hour in-service certificate. Staff revoke, reissue and reinstate from the
    cohort dashboard's learner drill-down (elsx.blocks.cohort), never here."""

    display_name = String(display_name=gettext_lazy("Display name"), default="Your certificate", scope=Scope.settings)
    completion_mode = XBlockCompletionMode.EXCLUDED

    # --- views -------------------------------------------------------------

    def _context(self, learner):
        course_key = self.course_key()
        cert = api.current_certificate(course_key, learner.id) if not learner.is_anonymous else None
        status = eligibility.check(course_key, learner.id) if not learner.is_anonymous and cert is None else None
        profile = None
        ready = bool(cert is None and status is not None and api.ready_to_claim(status))
        if ready:
            if self.read_only_reason():  # masquerade or preview: read the profile, never create it
                from elsx.models import LearnerProfile
                profile = LearnerProfile.objects.filter(course_key=course_key, learner_id=learner.id).first()
            else:
                from elsx.progress import ensure_profile
                profile = ensure_profile(course_key, learner)
        return {
            "dom_id": self.dom_id(),
            # Where the progress block's "Certificate section" link lands outside the LMS (compat.url_name_url).
            "anchor_id": f"elsx-topic-{olx.CERTIFICATE_URL_NAME}",
            "link_target": compat.link_target(),
            "learner": learner,
            "cert": cert,
            "number": numbers.display(cert.number) if cert else "",
            "successor": self._successor(cert),
            "eligibility": status,
            "ready_to_claim": ready,
            "affirmation_text": affirmation.text() if affirmation.required() else "",
            "affirmed": affirmation.get(course_key, learner.id) if cert is not None else None,
            "download_url": self.runtime.handler_url(self, "download") if cert else "",
            "verify_url": api.verification_url(cert.number) if cert else "",
            "share_url": api.short_verification_url(cert.number) if cert else "",
            "linkedin_url": api.linkedin_url(cert) if cert else "",
            "roles": [(value, str(label)) for value, label in ROLE_CHOICES],  # lazy labels
            "prefill": {
                "legal_name": (profile.legal_name or learner.full_name) if profile else learner.full_name,
                "agency": profile.agency if profile else "",
                "role": profile.role if profile else "",
                "state_training_id": profile.state_training_id if profile else "",
                "state": profile.state if profile else "",
            },
            "limits": {"name": api.NAME_MAX, "agency": api.AGENCY_MAX, "state_id": api.STATE_ID_MAX,
                       "state": api.STATE_MAX},
        }

    @staticmethod
    def _successor(cert):
        if cert is None or cert.superseded_by_id is None:
            return ""
        return numbers.display(cert.superseded_by.number)

    # On the view, not the class: the Blocks API asks has_support(student_view, "multi_device").
    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        learner = self.current_learner()
        return self.fragment("elsx/certificate.html", self._context(learner), js_class="ElsxCertificate",
                             js=("js/elsx.js", "js/certificate.js"))

    @safe_view_data
    def student_view_data(self, context=None):
        """What the certificate is, the same for everyone (collected with no user); the learner's own
        certificate and what they still miss come from the learner_state handler."""
        return {"course_number": conf.get("COURSE_NUMBER"), "credit_type": conf.get("CREDIT_TYPE"),
                "credit_hours": float(get_curriculum().hours),
                "state_handler": "learner_state"}

    @json_handler(method="GET", records=False)
    def learner_state(self, data, learner):
        require_keys(data, ())
        ctx = self._context(learner)
        cert = ctx["cert"]
        status = ctx["eligibility"]
        return {
            "certificate": {"number": ctx["number"], "status": cert.status, "download_url": ctx["download_url"],
                            "verification_url": ctx["verify_url"]} if cert else None,
            "eligible": bool(cert) or ctx["ready_to_claim"],
            "missing": [req.label for req in status.missing] if status else [],
        }

    def _body(self, learner):
        return templating.render("elsx/certificate_body.html", self._context(learner))

    # --- learner handlers --------------------------------------------------

    @json_handler()
    def claim(self, data, learner):
        require_keys(data, CLAIM_KEYS + ("affirm",), required=("legal_name", "agency", "role"))
        cert = api.claim(self.course_key(), learner, affirm=data.get("affirm", False),
                         **{key: data.get(key, "") for key in CLAIM_KEYS})
        events.publish(self, events.CERTIFICATE_CLAIMED, certificate_number=cert.number)
        return {"number": numbers.display(cert.number), "status": cert.status, "html": self._body(learner)}

    @XBlock.handler
    def download(self, request, suffix=""):
        """GET: the learner's stored PDF, byte for byte as issued (re-rendered from the record if damaged)."""
        if request.method not in ("GET", "HEAD"):
            response = json_response({"error": _("Use GET for this request.")}, 405)
            response.headers["Allow"] = "GET"
            return response
        learner = self.current_learner()
        try:
            if learner.is_anonymous:
                raise NotAllowed(_("Sign in to download your certificate."))
            cert = self._certificate_for_download(learner, query_params(request).get("number", ""))
            data = api.pdf_for_download(cert)  # a damaged file is rendered again from the record, never served
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        response = Response(body=data, content_type="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{api.download_name(cert)}"'
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def _certificate_for_download(self, learner, number):
        course_key = self.course_key()
        if number:
            try:
                cert = api.get_by_number(number)
            except NotFound:
                cert = None
            # Someone else's number looks exactly like an unknown one.
            if cert is None or (cert.learner_id != learner.id and not learner.is_staff) \
                    or cert.course_key != course_key:
                raise NotFound(_("You have no certificate with that number."))
        else:
            cert = api.current_certificate(course_key, learner.id)
            if cert is None:
                status = eligibility.check(course_key, learner.id)
                if not status.eligible:
                    raise NotAllowed(status.explain(), missing=[req.key for req in status.missing])
                raise NotFound(_("Claim your certificate first."))
        if cert.status == cert.STATUS_REVOKED:
            raise NotAllowed(_("This certificate was revoked and can no longer be downloaded."))
        return cert

    @staticmethod
    def workbench_scenarios():
        return [("ELSX Certificate", "<vertical_demo><elsx_progress/><elsx_certificate/></vertical_demo>")]
