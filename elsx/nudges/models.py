"""The nudge audit log: who sent which template to whom, and when. No message bodies, no addresses."""
from django.db import models


class NudgeLog(models.Model):
    SENT = "sent"
    THROTTLED = "throttled"
    OPTED_OUT = "opted_out"
    NO_EMAIL = "no_email"
    NOTHING_LEFT = "nothing_left"
    FAILED = "failed"
    OUTCOMES = [(SENT, "Sent"), (THROTTLED, "Throttled"), (OPTED_OUT, "Opted out"), (NO_EMAIL, "No email"),
                (NOTHING_LEFT, "Nothing left to do"), (FAILED, "Failed")]

    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    sent_by = models.CharField(max_length=255)  # the staff member's learner id
    template = models.CharField(max_length=32)
    outcome = models.CharField(max_length=16, choices=OUTCOMES)
    # The dashboard filter the batch came from, without the free-text search (it may hold a name).
    selection = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        app_label = "elsx"
        indexes = [models.Index(fields=["course_key", "learner_id", "outcome", "created_at"],
                                name="elsx_nudge_recent")]

    def __str__(self):
        return f"nudge {self.template} to learner {self.learner_id} ({self.outcome})"
