"""The plan's PDF: the certificate renderer (elsx.certificates.render), which fetches only its own assets.

The template is rendered by the same autoescaping engine as the
certificate, so every learner-typed value is escaped; nothing in the
plan can name a URL the renderer would load.
"""
from django.utils.translation import get_language

from elsx.certificates import render as certificate_render

TEMPLATE = "plan.html"
STYLESHEET = "plan.css"


def plan_html(plan, learner_name, agency, course_title, now):
    from django.template import Context
    context = {"plan": plan, "learner_name": learner_name, "agency": agency, "course_title": course_title,
               "now": now, "lang": get_language() or "en"}
    return certificate_render.template_engine().get_template(TEMPLATE).render(Context(context))


def _texts(plan, learner_name, agency):
    yield learner_name
    yield agency
    for criterion in plan.readiness:
        yield criterion.evidence
        yield criterion.gap
    for goal in plan.goals:
        for _label, value in goal.fields():
            yield value
    for _label, value in plan.communication.fields():
        yield value


def render(plan, learner_name="", agency="", course_title="", now=None):
    html = plan_html(plan, learner_name, agency, course_title, now)
    cjk = certificate_render.needs_cjk(*_texts(plan, learner_name, agency))
    return certificate_render.renderer().document_pdf(html, STYLESHEET, cjk=cjk)
