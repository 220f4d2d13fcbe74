"""A download link for an inline export: the filters stay here, the URL carries only an opaque token."""
from django.db import models


class ExportLink(models.Model):
    # SHA-256 of the random token: a database reader can't rebuild a working URL.
    token_hash = models.CharField(max_length=64, unique=True)
    course_key = models.CharField(max_length=255)
    user_id = models.CharField(max_length=255)  # the staff user it was made for; nobody else may use it
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict, blank=True)  # the filters (may hold a searched email)
    job_id = models.BigIntegerField(null=True, blank=True)  # a finished background job instead
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="elsx_exportlink_expiry")]

    def __str__(self):
        return f"{self.kind} export link for {self.course_key}"


class CohortStart(models.Model):
    """The course's cohort start, copied from the cohort block's setting so learner blocks can read it."""
    course_key = models.CharField(max_length=255, unique=True)
    start = models.DateField()

    def __str__(self):
        return f"{self.course_key} cohort starts {self.start.isoformat()}"
