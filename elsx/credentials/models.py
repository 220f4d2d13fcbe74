"""Bitstring status lists: one row per list, its next free index and its signed credential."""
from django.db import models

# The spec's minimum (16 KiB of bits), so a list does not single out a holder.
STATUS_LIST_SIZE = 131072


class StatusList(models.Model):
    purpose = models.CharField(max_length=16, default="revocation")
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    next_index = models.PositiveIntegerField(default=0)
    # Bumped by every publish before it reads the revoked set: the write takes the lock.
    version = models.PositiveIntegerField(default=0)
    credential = models.TextField(blank=True)  # the signed BitstringStatusListCredential, as served
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "elsx"

    def __str__(self):
        return f"status list {self.pk} ({self.purpose})"
