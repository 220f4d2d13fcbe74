"""The topic block's case studies: the learner's decisions in the view, and the handler that records one.

Kept apart from elsx.blocks.topic so that block stays readable; TopicBlock mixes this in.
Logic lives in elsx.scenarios.api.
"""

from elsx import templating
from elsx.blocks.base import json_handler
from elsx.scenarios import api as scenarios
from elsx.validation import require_keys


class TopicActivitiesMixin:
    """Needs topic(), course_key() and dom_id() from the block."""

    def activity_context(self, topic, learner):
        """What topic_cases.html needs beyond the topic: this learner's decisions so far."""
        learner_id = None if learner.is_anonymous else learner.id
        return {"scenario_progress": scenarios.topic_progress(self.course_key(), learner_id, topic)}

    @staticmethod
    def case_studies_data(topic):
        """The case studies for the mobile apps: what a learner decides on, not what follows.
        Consequences, the recommended choice and the debrief come from choose_scenario once chosen."""
        return [{"id": scenario.id, "title": scenario.title, "minutes": scenario.minutes,
                 "setting": scenario.setting,
                 "stages": [{"id": stage.id, "title": stage.title, "situation": stage.situation,
                             "choices": [{"id": c.id, "text": c.text} for c in stage.choices]}
                            for stage in scenario.stages]}
                for scenario in topic.scenarios]

    @json_handler()
    def choose_scenario(self, data, learner):
        require_keys(data, ("scenario", "stage", "choice"), required=("scenario", "stage", "choice"))
        topic = self.topic()
        progress, _created = scenarios.choose(self.course_key(), learner.id, topic, data["scenario"],
                                              data["stage"], data["choice"])
        context = {"topic": topic, "dom_id": self.dom_id(), "progress": progress, "scenario": progress.scenario}
        # None only if an author has since removed an earlier stage's choice (the walk stops there).
        decided = next((d for d in progress.decisions if d.stage.id == data["stage"]), None)
        # The HTML for the page; the same facts as data for the mobile apps.
        return {"scenario_html": templating.render("elsx/topic_scenario.html", context), "done": progress.done,
                "consequence": decided.choice.consequence if decided else None,
                "recommended": decided.recommended.id if decided else None,
                "next_stage": progress.current.id if progress.current else None,
                "debrief_html": progress.debrief_html}
