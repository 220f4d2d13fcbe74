"""Engaged-time tables: one clock per learner, and the day-by-day audit log.

The per learner x topic total lives on TopicProgress (engaged_seconds), so
every reader of progress gets it without another query. The current day's
seconds sit on TopicProgress too (engaged_day, engaged_day_seconds) and move
into EngagedDay when a heartbeat arrives on a later day: one row per learner,
topic and day, written once, so the log never grows faster than that.
"""
from django.db import models


class EngagementClock(models.Model):
    """One per learner and course, across tabs and devices: when the last credited heartbeat arrived."""
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    last_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveIntegerField(default=0)  # the learner's total, all topics

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="elsx_clock_unique_learner"),
        ]

    def __str__(self):
        return f"{self.course_key} learner {self.learner_id} clock"


class EngagedDay(models.Model):
    """A finished day of engaged time in one topic (today's is on TopicProgress until the day is over)."""
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    topic_id = models.CharField(max_length=64)
    day = models.DateField()
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id", "topic_id", "day"],
                                    name="elsx_engaged_day_unique"),
        ]

    def __str__(self):
        return f"{self.course_key} learner {self.learner_id} topic {self.topic_id} {self.day}"
