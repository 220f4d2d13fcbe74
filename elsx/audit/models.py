"""One row per staff action on a certificate; rows are only ever added (retirement aside)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    ACTION_REVOKE = "revoke"
    ACTION_REISSUE = "reissue"
    ACTION_REINSTATE = "reinstate"
    ACTION_CHOICES = [(ACTION_REVOKE, _("Revoked")), (ACTION_REISSUE, _("Reissued")),
                      (ACTION_REINSTATE, _("Reinstated"))]

    action = models.CharField(max_length=16, choices=ACTION_CHOICES)
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    # Canonical certificate numbers: the one acted on, and the new one a reissue or reinstatement created.
    number = models.CharField(max_length=32)
    new_number = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    by = models.CharField(max_length=255)  # a staff user id
    at = models.DateTimeField()

    class Meta:
        app_label = "elsx"
        indexes = [models.Index(fields=["number", "at"], name="elsx_audit_number")]

    def __str__(self):
        return f"{self.action} of {self.number} by {self.by}"
