"""Final-assessment attempts and staff grants of an extra attempt.

An attempt row is written twice: when it is drawn (questions, order) and when
it is submitted (answers, score). After that it never changes: save() and
delete() refuse a submitted attempt (elsx.assessment.api submits with one
guarded UPDATE, so nothing in elsx needs either).
"""
from django.db import models


class AttemptImmutable(Exception):
    """A submitted final attempt was about to be changed or deleted."""


class FinalAttempt(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    number = models.PositiveSmallIntegerField()  # 1, 2, 3 ... per learner
    # Random, unguessable id the browser sends back with its answers.
    draw_id = models.CharField(max_length=64, unique=True)
    # [{"id": question id, "topic": topic id, "options": [option ids in shown order]}], in shown order.
    draw = models.JSONField(default=list)
    answers = models.JSONField(null=True, blank=True)  # {question id: option id}
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # percent
    pass_mark = models.PositiveSmallIntegerField()
    passed = models.BooleanField(default=False)
    review_topics = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Decides concurrent starts: one attempt per number.
            models.UniqueConstraint(fields=["course_key", "learner_id", "number"], name="elsx_final_unique_number"),
        ]
        indexes = [models.Index(fields=["course_key", "learner_id", "submitted_at"], name="elsx_final_learner")]

    def __str__(self):
        return f"final attempt {self.number} of learner {self.learner_id}"

    def _submitted_in_db(self):
        return self.pk is not None and FinalAttempt.objects.filter(pk=self.pk, submitted_at__isnull=False).exists()

    def save(self, *args, **kwargs):
        if self._submitted_in_db():
            raise AttemptImmutable(f"final attempt {self.pk} was submitted and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._submitted_in_db():
            raise AttemptImmutable(f"final attempt {self.pk} was submitted and cannot be deleted")
        return super().delete(*args, **kwargs)


class FinalGrant(models.Model):
    """One more attempt for a learner, granted by staff with a reason (the audit trail)."""
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    granted_by = models.CharField(max_length=255)
    reason = models.CharField(max_length=500)
    granted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["course_key", "learner_id"], name="elsx_final_grant_learner")]

    def __str__(self):
        return f"extra final attempt for learner {self.learner_id}"
