"""Who may claim the certificate: the one place the rule lives.

The built-in requirement is that every topic of the curriculum is complete.
A course team adds a requirement (a course evaluation, say) by listing a
callable in settings.ELSX["EXTRA_REQUIREMENTS"]; it takes (course_key,
learner_id) and returns a Requirement.
"""
from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from elsx import conf
from elsx.progress import course_progress


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    met: bool
    detail: str = ""


@dataclass(frozen=True)
class Eligibility:
    requirements: tuple
    hours: object
    progress: object

    @property
    def eligible(self):
        return all(requirement.met for requirement in self.requirements)

    @property
    def missing(self):
        return [requirement for requirement in self.requirements if not requirement.met]

    def explain(self):
        """One sentence naming what is missing, for a 403 or the claim area."""
        if self.eligible:
            return ""
        return _("Not yet eligible. Still to do: {items}.").format(
            items="; ".join(f"{req.label} ({req.detail})" if req.detail else req.label for req in self.missing))


def topic_requirements(progress):
    found = []
    for _week, items in progress.weeks:
        for topic, state in items:
            steps = []
            if not state.all_sections_viewed:
                steps.append(_("read all sections"))
            if not state.passed:
                steps.append(_("pass the knowledge check"))
            if not state.reflection_saved_at:
                steps.append(_("save a reflection"))
            found.append(Requirement(
                key=f"topic:{topic.id}",
                label=_("Topic {number}: {title}").format(number=topic.number, title=topic.title),
                met=state.completed,
                detail=", ".join(steps) if not state.completed else "",
            ))
    return found


def check(course_key, learner_id, curriculum=None):
    progress = course_progress(course_key, learner_id, curriculum)
    requirements = topic_requirements(progress)
    for path in conf.get("EXTRA_REQUIREMENTS"):
        requirements.append(import_string(path)(course_key, learner_id))
    return Eligibility(requirements=tuple(requirements), hours=progress.hours_earned, progress=progress)
