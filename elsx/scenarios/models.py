"""One row per decision: a learner's choice at one stage of one case study."""
from django.db import models


class ScenarioChoice(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    topic_id = models.CharField(max_length=64)
    scenario_id = models.CharField(max_length=64)
    stage_id = models.CharField(max_length=64)
    choice_id = models.CharField(max_length=64)
    chosen_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The first decision at a stage is the one kept: concurrent clicks make one row.
            models.UniqueConstraint(fields=["course_key", "learner_id", "topic_id", "scenario_id", "stage_id"],
                                    name="elsx_scenario_unique_stage"),
        ]

    def __str__(self):
        return f"{self.course_key} learner {self.learner_id} {self.topic_id}/{self.scenario_id}/{self.stage_id}"
