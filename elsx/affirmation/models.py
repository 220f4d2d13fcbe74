"""One affirmation per learner and course, with the exact text affirmed and when."""
from django.db import models


class Affirmation(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    text = models.TextField()
    affirmed_at = models.DateTimeField()
    # The certificate the claim issued, once issued.
    certificate_number = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="elsx_affirmation_unique_learner"),
        ]

    def __str__(self):
        return f"affirmation by learner {self.learner_id}"
