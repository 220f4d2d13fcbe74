"""Agencies, and their attestations against the three MKRP criteria."""
from django.db import models
from django.utils.translation import gettext_lazy as _

KIND_LAW_ENFORCEMENT = "law_enforcement"
KIND_PSAP = "psap"
KIND_CLEARINGHOUSE = "clearinghouse"
KIND_CHOICES = [
    (KIND_LAW_ENFORCEMENT, _("Law enforcement")),
    (KIND_PSAP, _("PSAP / emergency communications")),
    (KIND_CLEARINGHOUSE, _("Clearinghouse")),
]


class Agency(models.Model):
    name = models.CharField(max_length=200)
    # What matching compares: see elsx.agency.names.normalize.
    normalized_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    state = models.CharField(max_length=64, blank=True)
    ori = models.CharField(max_length=9, blank=True)
    # A merged duplicate points at the agency that absorbed it; it is never deleted.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from")
    member_since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["normalized_name", "state"], name="elsx_agency_unique_name"),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="elsx_agency_state_kind")]

    def __str__(self):
        return f"agency {self.pk}"


class AgencyLearner(models.Model):
    """A learner's claimed agency, matched to a record (one per learner and course)."""
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="learners")
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    is_executive = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="elsx_agency_learner_unique"),
        ]


class Attestation(models.Model):
    CRITERION_EXECUTIVE = "executive"
    CRITERION_POLICY = "policy"
    CRITERION_PERSONNEL = "personnel"
    CRITERIA = (CRITERION_EXECUTIVE, CRITERION_POLICY, CRITERION_PERSONNEL)

    STATUS_SUBMITTED = "submitted"
    STATUS_ACCEPTED = "accepted"
    STATUS_RETURNED = "returned"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="attestations")
    criterion = models.CharField(max_length=16)
    # The criterion's evidence (dates, policy name, counts); validated by elsx.agency.api.
    evidence = models.JSONField(default=dict)
    entered_by = models.CharField(max_length=255, blank=True)  # learner id; emptied on retirement
    entered_at = models.DateTimeField()
    status = models.CharField(max_length=16, default=STATUS_SUBMITTED)
    review_comment = models.CharField(max_length=1000, blank=True)
    reviewed_by = models.CharField(max_length=255, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every write: a review names the version it read, so it can't accept newer evidence unseen.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "criterion"], name="elsx_attestation_unique_criterion"),
        ]


class AttestationLog(models.Model):
    """Who did what to an attestation, and when: ids and actions only, no evidence text."""
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="log")
    criterion = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=16)
    actor = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField()
