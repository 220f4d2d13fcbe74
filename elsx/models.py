"""What elsx stores: learner profiles, per-topic progress, certificates, export jobs.

Learners are identified by the runtime's user id (a string here), scoped by
course key. Cohort views read these tables only, with a fixed number of
queries, so the summary columns on LearnerProfile are kept in step with
TopicProgress inside the same transaction (see elsx.progress).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

ROLE_CHOICES = [
    ("le_executive", _("Law-enforcement executive")),
    ("psap", _("PSAP / emergency communications")),
    ("clearinghouse", _("Clearinghouse")),
    ("other", _("Other")),
]


class LearnerProfile(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    # From the LMS account; refreshed on each visit.
    full_name = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=254, blank=True)
    username = models.CharField(max_length=150, blank=True)
    # Confirmed by the learner when claiming a certificate.
    legal_name = models.CharField(max_length=200, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, blank=True, choices=ROLE_CHOICES)
    state_training_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The interface language at claim: the certificate is printed in it, whoever downloads it.
    claim_language = models.CharField(max_length=16, blank=True)
    # Derived from TopicProgress, rewritten with every progress change.
    topics_completed = models.PositiveSmallIntegerField(default=0)
    hours_earned = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    first_activity_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="elsx_profile_unique_learner"),
        ]
        indexes = [
            models.Index(fields=["course_key", "last_activity_at"], name="elsx_profile_activity"),
            models.Index(fields=["course_key", "topics_completed"], name="elsx_profile_completed"),
            models.Index(fields=["course_key", "full_name"], name="elsx_profile_name"),
            models.Index(fields=["course_key", "agency"], name="elsx_profile_agency"),
        ]

    def __str__(self):
        return f"{self.course_key} learner {self.learner_id}"


class TopicProgress(models.Model):
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    topic_id = models.CharField(max_length=64)
    sections_viewed = models.JSONField(default=list, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    sections_viewed_at = models.DateTimeField(null=True, blank=True)
    check_passed_at = models.DateTimeField(null=True, blank=True)
    reflection_saved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)  # percent
    attempts = models.PositiveIntegerField(default=0)
    last_answers = models.JSONField(default=dict, blank=True)
    last_score = models.PositiveSmallIntegerField(null=True, blank=True)
    reflection = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The first real action (a section read, an answer, a reflection, a minute engaged): "In progress".
    # Opening or rendering the topic is not one.
    started_at = models.DateTimeField(null=True, blank=True)
    # Engaged time, written by elsx.engagement only (see elsx/engagement/models.py).
    engaged_seconds = models.PositiveIntegerField(default=0)
    engaged_sections = models.JSONField(default=dict, blank=True)  # {section_id: engaged seconds while open}
    engaged_day = models.DateField(null=True, blank=True)
    engaged_day_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id", "topic_id"], name="elsx_progress_unique_topic"),
        ]
        indexes = [
            # Covers the cohort's per-topic GROUP BY, so it never reads the table itself.
            models.Index(fields=["course_key", "topic_id", "completed_at", "attempts", "check_passed_at",
                                 "best_score", "started_at", "engaged_seconds"], name="elsx_progress_topic_stats2"),
        ]

    def __str__(self):
        return f"{self.course_key} learner {self.learner_id} topic {self.topic_id}"


class Certificate(models.Model):
    STATUS_VALID = "valid"
    STATUS_REVOKED = "revoked"
    STATUS_SUPERSEDED = "superseded"
    STATUS_CHOICES = [(STATUS_VALID, _("Valid")), (STATUS_REVOKED, _("Revoked")), (STATUS_SUPERSEDED, _("Superseded"))]

    number = models.CharField(max_length=32, unique=True)  # canonical: upper case, no separators
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    # One issue per generation; a reissue is the next generation. The unique
    # constraint is what makes concurrent claims produce one certificate.
    generation = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=STATUS_VALID)
    # Snapshot at issue; never rewritten afterwards (retirement aside).
    legal_name = models.CharField(max_length=200)
    agency = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, blank=True)
    state_training_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=64, blank=True)
    course_title = models.CharField(max_length=255)
    course_number = models.CharField(max_length=64, blank=True)
    course_version = models.CharField(max_length=64, blank=True)
    provider_name = models.CharField(max_length=255)
    credit_hours = models.DecimalField(max_digits=5, decimal_places=2)
    credit_type = models.CharField(max_length=64)
    delivery_method = models.CharField(max_length=64)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField()
    issued_at = models.DateTimeField()
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    # Total engaged seconds at issue (elsx.engagement); in the credit roster, not on the public page.
    engaged_seconds = models.PositiveIntegerField(default=0)
    # The stored PDF, written once.
    pdf_path = models.CharField(max_length=255)
    pdf_sha256 = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=500, blank=True)
    # Who revoked it: a staff user id, or "retirement"; for the audit trail a regulator may ask for.
    revoked_by = models.CharField(max_length=255, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes",
    )
    # Language of the printed document, fixed at claim.
    language = models.CharField(max_length=16, blank=True)
    # Signed once at issue (elsx.certificates.openbadges): the holder's credential, embedded in
    # the PDF byte for byte, and the public one (no state training ID) served as .vc.json.
    credential = models.TextField(blank=True)
    public_credential = models.TextField(blank=True)
    # Its entry in a revocation status list (elsx.credentials.models.StatusList).
    status_list = models.PositiveIntegerField(null=True, blank=True)
    status_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course_key", "learner_id", "generation"], name="elsx_certificate_unique_generation",
            ),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="elsx_certificate_unique_status"),
        ]
        indexes = [models.Index(fields=["course_key", "learner_id", "status"], name="elsx_certificate_learner")]

    def __str__(self):
        return f"certificate {self.number} ({self.status})"


class ExportJob(models.Model):
    STATUS_RUNNING = "running"
    STATUS_DONE = "done"
    STATUS_FAILED = "failed"
    STATUS_CHOICES = [(STATUS_RUNNING, _("Running")), (STATUS_DONE, _("Done")), (STATUS_FAILED, _("Failed"))]

    course_key = models.CharField(max_length=255)
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict, blank=True)
    # Set while running and cleared at the end: the unique constraint makes a
    # repeat request see "already running" instead of starting a second job.
    running_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=STATUS_RUNNING)
    requested_by = models.CharField(max_length=255, blank=True)
    file_path = models.CharField(max_length=255, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["course_key", "kind", "created_at"], name="elsx_export_recent")]

    def __str__(self):
        return f"{self.kind} export for {self.course_key} ({self.status})"
from elsx.assessment.models import FinalAttempt, FinalGrant  # noqa: E402,F401
from elsx.evaluation.models import EvaluationCompletion, EvaluationResponse  # noqa: E402,F401
from elsx.affirmation.models import Affirmation  # noqa: E402,F401
from elsx.review.models import ReviewSubmission  # noqa: E402,F401
from elsx.audit.models import AuditEntry  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from elsx.cohort.models import CohortStart, ExportLink  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from elsx.nudges.models import NudgeLog  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from elsx.agency.models import Agency, AgencyLearner, Attestation, AttestationLog  # noqa: E402,F401
from elsx.engagement.models import EngagedDay, EngagementClock  # noqa: E402,F401
from elsx.scenarios.models import ScenarioChoice  # noqa: E402,F401  pylint: disable=wrong-import-position
from elsx.capstone.models import CommunityActionPlan  # noqa: E402,F401  pylint: disable=wrong-import-position
from elsx.credentials.models import StatusList  # noqa: E402,F401  pylint: disable=wrong-import-position
