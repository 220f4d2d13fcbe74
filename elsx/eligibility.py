"""Who may claim the certificate: the ONE list of requirements.

Every requirement is a Requirement object (key, label, met, remaining, url).
The progress block, the certificate block, the cohort drill-down and the
roster all read the list that check() builds; none of them adds its own.

Adding a requirement (a final assessment, an evaluation ...):

    from elsx import eligibility

    @eligibility.register
    def evaluation(course_key, learner_id, context):
        done = ...  # one query, or read context.shared for data loaded once per batch
        return [eligibility.Requirement(key="evaluation", label=_("Course evaluation"), met=done,
                                        remaining="" if done else _("answer the evaluation"), url="#...")]

A provider takes (course_key, learner_id, context) and returns an iterable of
Requirement (or one Requirement, or None). Put the provider in your
package (e.g. elsx/assessment/requirements.py) and add that module's dotted
path to PROVIDER_MODULES below: check() imports them lazily on first use, so
there is no import cycle and no dependence on who imported what first.
Registration is idempotent by the provider's dotted name. Providers run
sorted by `order` (default 100; the built-in topic requirements use 0), then
in registration order.

A deployment can still list callables in settings.ELSX["EXTRA_REQUIREMENTS"]
(dotted paths, taking (course_key, learner_id) and returning a Requirement);
they run last.
"""
from dataclasses import dataclass, field

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from elsx import compat, conf
from elsx.progress import course_progress


@dataclass(frozen=True)
class Requirement:
    key: str            # stable id, e.g. "topic:vulnerable-populations", "engaged:<topic>", "evaluation"
    label: str          # what it is, for the learner
    met: bool
    remaining: str = ""  # what is left, in words ("" when met)
    url: str = ""       # where to go to meet it ("" if nowhere in particular)
    topic_id: str = ""  # the topic it belongs to, if any (lets blocks show it beside the topic)

    @property
    def detail(self):
        """Old name of `remaining`, kept for templates and callers written before the list."""
        return self.remaining


@dataclass
class Context:
    """What providers may read: built once per check, shared across a batch in check_many."""
    curriculum: object
    progress: object            # elsx.progress.CourseProgress of this learner
    shared: dict = field(default_factory=dict)  # per-batch cache for providers (key by provider name)
    learner_ids: tuple = ()     # every learner of the batch (just this one for check())

    def topic_url(self, course_key, topic_id):
        # One modulestore lookup per batch (compat.topic_urls), not one per requirement.
        urls = self.shared.get("_topic_urls")
        if urls is None:
            urls = self.shared["_topic_urls"] = compat.topic_urls(
                course_key, [topic.id for topic in self.curriculum.topics])
        return urls.get(topic_id, "")


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

    def get(self, key):
        return next((requirement for requirement in self.requirements if requirement.key == key), None)

    def for_topic(self, topic_id):
        return [requirement for requirement in self.requirements if requirement.topic_id == topic_id]

    def explain(self):
        """One sentence naming what is missing, for a 403 or the claim area."""
        if self.eligible:
            return ""
        return _("Not yet eligible. Still to do: {items}.").format(
            items="; ".join(f"{req.label} ({req.remaining})" if req.remaining else req.label for req in self.missing))


# --- the registry --------------------------------------------------------------

REQUIREMENTS = []  # [(order, name, provider)], sorted by order then registration
# Modules that register providers when imported; one line per feature.
PROVIDER_MODULES = [
    # What a POST commission checks (docs/commission.md); each returns nothing unless ELSX["COMMISSION"].
    "elsx.assessment.requirements",
    "elsx.review.requirements",
    "elsx.evaluation.requirements",
    "elsx.affirmation.requirements",
]
_loaded = []


def _name(provider):
    return f"{getattr(provider, '__module__', '')}.{getattr(provider, '__qualname__', repr(provider))}"


def register(provider=None, *, order=100):
    """Add a provider (usable as a decorator, with or without order=). Idempotent by dotted name."""
    def add(func):
        name = _name(func)
        REQUIREMENTS[:] = [entry for entry in REQUIREMENTS if entry[1] != name]
        REQUIREMENTS.append((order, name, func))
        REQUIREMENTS.sort(key=lambda entry: entry[0])  # stable: registration order within an order
        return func
    return add(provider) if provider is not None else add


def unregister(provider):
    name = provider if isinstance(provider, str) else _name(provider)
    REQUIREMENTS[:] = [entry for entry in REQUIREMENTS if entry[1] != name]


def providers():
    if len(_loaded) != len(PROVIDER_MODULES):
        from importlib import import_module
        for path in PROVIDER_MODULES:
            import_module(path)
        _loaded[:] = list(PROVIDER_MODULES)
    return [func for _order, _name_, func in REQUIREMENTS]


def _as_list(result):
    if result is None:
        return []
    if isinstance(result, Requirement):
        return [result]
    return list(result)


# --- built-in requirements -------------------------------------------------------

def topic_steps(state):
    """What is left in a topic, in words."""
    steps = []
    if not state.all_sections_viewed:
        steps.append(_("read all sections"))
    if not state.passed:
        steps.append(_("pass the knowledge check"))
    if not state.reflection_saved_at:
        steps.append(_("save a reflection"))
    if state.remaining_seconds:
        from elsx.engagement.api import remaining_words
        steps.append(remaining_words(state.remaining_seconds))
    return steps


@register(order=0)
def topic_requirements(course_key, learner_id, context):
    found = []
    for _week, items in context.progress.weeks:
        for topic, state in items:
            found.append(Requirement(
                key=f"topic:{topic.id}",
                label=_("Topic {number}: {title}").format(number=topic.number, title=topic.title),
                met=state.completed,
                remaining="" if state.completed else ", ".join(topic_steps(state)),
                url=context.topic_url(course_key, topic.id),
                topic_id=topic.id,
            ))
    return found


# --- checking ----------------------------------------------------------------------

def _evaluate(course_key, learner_id, context):
    requirements = []
    for provider in providers():
        requirements.extend(_as_list(provider(course_key, learner_id, context)))
    for path in conf.get("EXTRA_REQUIREMENTS"):
        requirements.extend(_as_list(import_string(path)(course_key, learner_id)))
    return Eligibility(requirements=tuple(requirements), hours=context.progress.hours_earned,
                       progress=context.progress)


def check(course_key, learner_id, curriculum=None, rows=None, topic_urls=None):
    """The learner's requirements; pass their TopicProgress rows, or the page's topic links, if already
    loaded (each saves a query)."""
    from elsx.curriculum import get_curriculum
    curriculum = curriculum or get_curriculum()
    progress = course_progress(course_key, learner_id, curriculum, rows=rows)
    shared = {"_topic_urls": topic_urls} if topic_urls is not None else {}
    context = Context(curriculum=curriculum, progress=progress, shared=shared, learner_ids=(learner_id,))
    return _evaluate(course_key, learner_id, context)


def check_many(course_key, learner_ids, curriculum=None):
    """{learner_id: Eligibility} for a page of learners: topic rows in one query, one shared context cache."""
    from elsx.curriculum import get_curriculum
    from elsx.models import TopicProgress
    curriculum = curriculum or get_curriculum()
    learner_ids = tuple(learner_ids)
    rows = {}
    for row in TopicProgress.objects.filter(course_key=course_key, learner_id__in=learner_ids):
        rows.setdefault(row.learner_id, []).append(row)
    shared, found = {}, {}
    for learner_id in learner_ids:
        progress = course_progress(course_key, learner_id, curriculum, rows=rows.get(learner_id, []))
        context = Context(curriculum=curriculum, progress=progress, shared=shared, learner_ids=learner_ids)
        found[learner_id] = _evaluate(course_key, learner_id, context)
    return found
