"""An agency's MKRP application summary as a PDF, through the certificate's safe renderer.

The renderer fetches nothing but files under certificates/ (see elsx.certificates.render),
and the template is autoescaped, so nothing an executive typed can load or run anything.
"""
from django.utils import timezone

from elsx import conf
from elsx.agency import api, criteria
from elsx.agency.exports import criterion_cell, state_labels
from elsx.agency.models import KIND_CHOICES
from elsx.certificates import numbers, render

KINDS = dict(KIND_CHOICES)


class SummaryRenderer(render.Renderer):
    BASE_STYLESHEETS = ("fonts.css", "agency-summary.css")


_renderer = None


def renderer():
    global _renderer  # pylint: disable=global-statement
    with render._renderer_lock:  # pylint: disable=protected-access
        if _renderer is None:
            _renderer = SummaryRenderer()
        return _renderer


def summary_context(readiness, today=None):
    agency = readiness.agency
    kind = agency.kind
    trainings = criteria.EXECUTIVE_TRAININGS[kind]
    rows = []
    for state in readiness.criteria:
        evidence = state.attestation.evidence if state.attestation else {}
        rows.append({"label": state.label, "status": criterion_cell(state), "evidence": evidence,
                     "training": trainings.get(evidence.get("training"), ""),
                     "attestation": state.attestation})
    certificate = api.executive_certificate(agency)
    return {
        "agency": agency, "kind": KINDS.get(kind, kind), "readiness": readiness,
        "els_certificate": certificate, "els_number": numbers.display(certificate.number) if certificate else "",
        "state_label": state_labels()[readiness.state], "rows": rows,
        "personnel_word": criteria.PERSONNEL_WORD[kind],
        "provider": conf.get("PROVIDER_NAME"), "today": today or timezone.localdate(),
    }


def summary_html(readiness, today=None):
    from django.template import Context
    template = render.template_engine().get_template("agency-summary.html")
    return template.render(Context(summary_context(readiness, today)))


def summary_pdf(readiness, today=None):
    html = summary_html(readiness, today)
    return renderer().pdf(html, cjk=render.needs_cjk(readiness.agency.name))
