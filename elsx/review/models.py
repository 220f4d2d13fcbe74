"""One row per submission round of a reviewed topic; the newest round is the current one."""
from django.db import models


class ReviewSubmission(models.Model):
    STATUS_PENDING = "pending"
    STATUS_ACCEPTED = "accepted"
    STATUS_RETURNED = "returned"
    STATUS_CHOICES = [(STATUS_PENDING, "pending"), (STATUS_ACCEPTED, "accepted"), (STATUS_RETURNED, "returned")]

    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    topic_id = models.CharField(max_length=64)
    round = models.PositiveSmallIntegerField()
    # What was submitted, as it stood: the reflection text, and the plan revision if there is a plan.
    text = models.TextField(blank=True)
    plan_revision = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=STATUS_PENDING)
    rubric = models.JSONField(default=dict, blank=True)  # {criterion: score}
    comment = models.TextField(blank=True)
    decided_by = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id", "topic_id", "round"],
                                    name="elsx_review_unique_round"),
        ]
        indexes = [models.Index(fields=["course_key", "topic_id", "status"], name="elsx_review_queue")]

    def __str__(self):
        return f"review round {self.round} of learner {self.learner_id} topic {self.topic_id}"
