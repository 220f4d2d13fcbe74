"""One Community Action Plan per learner per course; its content is the cleaned JSON from api.clean_plan."""
from django.db import models


class CommunityActionPlan(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)
    # +1 on every save that changes content, so a review can name the version it judged.
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_revision = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="elsx_capstone_unique_plan"),
        ]

    def __str__(self):
        return f"{self.course_key} learner {self.learner_id} plan r{self.revision}"
