"""Evaluation completions (who, for eligibility) and responses (what, anonymous).

The two tables share nothing a join could use: a response has a random id, no
learner and no time, so neither its order nor a timestamp points back to a
completion.
"""
import uuid

from django.db import models


class EvaluationCompletion(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="elsx_evaluation_unique_learner"),
        ]

    def __str__(self):
        return f"evaluation completed by learner {self.learner_id}"


class EvaluationResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course_key = models.CharField(max_length=255, db_index=True)
    ratings = models.JSONField(default=dict)    # {item id: point value}
    comments = models.JSONField(default=dict)   # {item id: text}

    def __str__(self):
        return "anonymous evaluation response"
