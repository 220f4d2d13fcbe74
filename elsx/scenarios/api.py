"""Case-study decisions: a learner decides each stage in order, once; the choice reveals its consequence.

The first decision at a stage is kept (a unique row), so a repeat of the same
choice is a no-op and a different choice later is refused: the record shows
what the learner decided, which is what staff review. Nothing here reveals a
consequence, the recommended choice or the debrief for a stage not yet decided.
"""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elsx.errors import Conflict, InvalidInput, NotFound
from elsx.scenarios.models import ScenarioChoice


@dataclass(frozen=True)
class Decision:
    stage: object          # curriculum.Stage
    choice: object         # curriculum.Choice the learner made
    recommended: object    # the stage's recommended curriculum.Choice
    chosen_at: object


@dataclass(frozen=True)
class Progress:
    """Where one learner stands in one case study."""
    scenario: object
    decisions: tuple       # Decision per decided stage, in stage order
    current: object        # the next curriculum.Stage to decide, or None when all are decided

    @property
    def done(self):
        return self.current is None

    @property
    def debrief_html(self):
        return self.scenario.debrief_html if self.done else ""


def _progress(scenario, chosen):
    """chosen: {stage_id: (choice_id, chosen_at)}. Stages count only in order, so gaps stop the walk."""
    decisions = []
    for stage in scenario.stages:
        picked = chosen.get(stage.id)
        choice = next((c for c in stage.choices if picked and c.id == picked[0]), None)
        if choice is None:  # undecided, or a choice an author has since removed
            return Progress(scenario, tuple(decisions), stage)
        recommended = next(c for c in stage.choices if c.recommended)
        decisions.append(Decision(stage, choice, recommended, picked[1]))
    return Progress(scenario, tuple(decisions), None)


def _rows(course_key, learner_id, topic_id):
    found = {}
    for row in ScenarioChoice.objects.filter(course_key=course_key, learner_id=learner_id, topic_id=topic_id):
        found.setdefault(row.scenario_id, {})[row.stage_id] = (row.choice_id, row.chosen_at)
    return found


def topic_progress(course_key, learner_id, topic):
    """[Progress] for each case study of topic, in order: one query."""
    rows = _rows(course_key, learner_id, topic.id) if learner_id else {}
    return [_progress(scenario, rows.get(scenario.id, {})) for scenario in topic.scenarios]


def _scenario(topic, scenario_id):
    found = next((s for s in topic.scenarios if s.id == scenario_id), None) if isinstance(scenario_id, str) else None
    if found is None:
        raise NotFound(_("This topic has no such case study."))
    return found


def choose(course_key, learner_id, topic, scenario_id, stage_id, choice_id, now=None):
    """Record a decision; returns (Progress, created). Stages are decided in order, each once."""
    scenario = _scenario(topic, scenario_id)
    stage = next((s for s in scenario.stages if s.id == stage_id), None) if isinstance(stage_id, str) else None
    if stage is None:
        raise InvalidInput(_("This case study has no such stage."), field="stage")
    choice = next((c for c in stage.choices if c.id == choice_id), None) if isinstance(choice_id, str) else None
    if choice is None:
        raise InvalidInput(_("Choose one of the options for this stage."), field="choice")
    chosen = _rows(course_key, learner_id, topic.id).get(scenario.id, {})
    progress = _progress(scenario, chosen)
    previous = chosen.get(stage.id)
    if previous is not None:
        if previous[0] == choice.id:
            return progress, False
        raise Conflict(_("You already decided this stage; a case study records your first decision."),
                       field="choice")
    if progress.current is None or progress.current.id != stage.id:
        raise InvalidInput(_("Decide the earlier stages of this case study first."), field="stage")
    try:
        with transaction.atomic():
            ScenarioChoice.objects.create(course_key=course_key, learner_id=learner_id, topic_id=topic.id,
                                          scenario_id=scenario.id, stage_id=stage.id, choice_id=choice.id,
                                          chosen_at=now or timezone.now())
    except IntegrityError:
        # A concurrent request decided this stage first: the stored decision stands.
        row = ScenarioChoice.objects.get(course_key=course_key, learner_id=learner_id, topic_id=topic.id,
                                         scenario_id=scenario.id, stage_id=stage.id)
        if row.choice_id != choice.id:
            raise Conflict(_("You already decided this stage; a case study records your first decision."),
                           field="choice") from None
        return _progress(scenario, _rows(course_key, learner_id, topic.id).get(scenario.id, {})), False
    return _progress(scenario, _rows(course_key, learner_id, topic.id).get(scenario.id, {})), True


def choices_for_learner(course_key, learner_id, topics):
    """For staff: [(topic, [Progress])] for the topics that have case studies, in one query."""
    rows = {}
    for row in ScenarioChoice.objects.filter(course_key=course_key, learner_id=learner_id):
        rows.setdefault(row.topic_id, {}).setdefault(row.scenario_id, {})[row.stage_id] = (row.choice_id,
                                                                                          row.chosen_at)
    return [(topic, [_progress(s, rows.get(topic.id, {}).get(s.id, {})) for s in topic.scenarios])
            for topic in topics if topic.scenarios]


def erase_for_learner(learner_id, course_key=None):
    rows = ScenarioChoice.objects.filter(learner_id=learner_id)
    if course_key is not None:
        rows = rows.filter(course_key=course_key)
    return rows.delete()[0]
