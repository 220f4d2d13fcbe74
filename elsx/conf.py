"""Settings with defaults; a deployment overrides any of them in settings.ELSX."""
from django.conf import settings
from django.utils.translation import gettext_noop

# Defaults that are words, not names, are marked for translation: the certificate prints them in
# the language of the claim (the row keeps them as configured).

DEFAULTS = {
    "PROVIDER_NAME": "Executive Leadership Series Training Program",
    "PROVIDER_CONTACT": "",
    "SIGNATORY_NAME": gettext_noop("Program Director"),
    "SIGNATORY_TITLE": "Executive Leadership Series",
    "COURSE_TITLE": "",  # empty: the curriculum's title
    "COURSE_NUMBER": "ELS-MEC-101",
    "CREDIT_TYPE": gettext_noop("In-service"),
    "DELIVERY_METHOD": gettext_noop("Online, asynchronous"),
    # Requests per client address per minute on the public verification page.
    "VERIFY_RATE_LIMIT": 30,
    # Base of verification URLs printed on certificates, e.g. https://lms.example.org
    "VERIFY_BASE_URL": "",
    # Extra eligibility rules: dotted paths to callables (see elsx.eligibility).
    "EXTRA_REQUIREMENTS": [],
    "CREDIT_PROFILES": {},
    # Exports above this many rows run as a background job.
    "INLINE_EXPORT_MAX_ROWS": 5000,
    # Agencies per page of the readiness block's staff table (the CSV export has them all).
    "AGENCY_PAGE_SIZE": 50,
    # The policy document an executive may attach (PDF or .docx). In the LMS the platform's own
    # STUDENT_FILEUPLOAD_MAX_SIZE (4 MB by default) refuses larger files first.
    "AGENCY_DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
    # Background exports: "auto" (Celery when a broker URL is set), "celery" or "inline".
    "EXPORT_BACKGROUND": "auto",
    # A job still "running" after this long is taken as dead and may be started again.
    "EXPORT_JOB_STALE_MINUTES": 30,
    "DEMO_COURSE_KEY": "course-v1:ELSX+EXEC101+demo",
    "PASS_MARK_DEFAULT": 80,
    # Processes that render PDFs in elsx_issue_certificates (0: one per core).
    "CERTIFICATE_WORKERS": 0,
    # Signing keys (docs/credentials.md): a keyring file written by `elsx_signing_key`, or the
    # same JSON inline. Never stored in the database.
    "SIGNING_KEY_FILE": "",
    "SIGNING_KEYS": None,
    # The issuer profile at /elsx/issuer and on the certificate; blank ones are left out.
    "PROVIDER_URL": "",
    "PROVIDER_EMAIL": "",
    "PROVIDER_PHONE": "",
    # {"streetAddress": ..., "addressLocality": ..., "addressRegion": ..., "postalCode": ..., "addressCountry": ...}
    "PROVIDER_ADDRESS": {},
    # Seconds a verifier may cache /elsx/status/<n>; a revocation shows within this time.
    "STATUS_LIST_MAX_AGE": 300,
    # Image files (PNG or SVG, absolute paths) printed on the certificate; loaded only through the
    # renderer's asset fetcher, which serves these two files and the bundled assets, nothing else.
    "SIGNATURE_IMAGE": "",
    "PROVIDER_LOGO": "",
    # Approving authorities, printed only when set: [{"authority": "California POST", "number": "1234-56789"}]
    "APPROVALS": [],
    # What a POST commission checks (docs/commission.md): the final assessment, the evaluation, the
    # capstone review and the affirmation join the certificate requirements. False: the ten topics
    # alone earn the certificate (credit no commission is asked to accept).
    "COMMISSION": True,
    # Final assessment: questions per attempt, pass mark (%), attempts, minutes between attempts.
    "FINAL_QUESTIONS": 25,
    "FINAL_PASS_MARK": 80,
    "FINAL_MAX_ATTEMPTS": 3,
    "FINAL_WAIT_MINUTES": 0,
    # Evaluation comments are shown to staff only once this many learners have answered.
    "EVALUATION_COMMENTS_MIN": 5,
    "AFFIRMATION_TEXT": "I affirm that I personally completed all of this training, including the final "
                        "assessment, and that no one completed any part of it for me.",
    # Reflection minimum in words when COMMISSION is on; per-topic overrides.
    "REFLECTION_MIN_WORDS": 150,
    "REFLECTION_MIN_WORDS_BY_TOPIC": {"community-action-planning": 400},
    # Topics that complete only when a facilitator accepts the work.
    "REVIEW_TOPICS": ["community-action-planning"],
    # For the training file a coordinator sends to a commission.
    "INSTRUCTOR_NAME": "",
    "INSTRUCTOR_TITLE": "",
    "INSTRUCTOR_BIOGRAPHY": "",
    # Engaged time (docs/engagement.md). The page beats every HEARTBEAT_SECONDS while visible and active.
    "HEARTBEAT_SECONDS": 30,
    "HEARTBEAT_GRACE_SECONDS": 5,       # a beat credits at most period + grace
    "HEARTBEAT_MIN_GAP_SECONDS": 10,    # beats closer than this to the last credited one are ignored
    "HEARTBEAT_RATE_LIMIT": 20,         # requests per learner per minute before 429
    "HEARTBEAT_SKEW_SECONDS": 300,      # a client sent_at further ahead is refused, further behind ignored
    "IDLE_CUTOFF_SECONDS": 300,         # the page stops beating after this long without input
    "MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR": 50,  # 0: no minimum time per topic
    "IN_PROGRESS_ENGAGED_SECONDS": 60,  # engaged this long, a topic is "In progress"
    "READING_WPM": 200,
    "SECTION_READ_SHARE": 0.5,          # share of a section's reading time to count it read; 0: on opening
    "QUESTION_MINUTES": 1.5,
    "REFLECTION_MINUTES_DEFAULT": 10,   # when <reflection> declares no minutes
    "CLOCK": "",                        # dotted path to a now() for engagement; "" is the server's clock
    # Staff reminders (elsx.nudges): at most one per learner per this many days.
    "NUDGE_MIN_INTERVAL_DAYS": 7,
    # Where certificate PDFs and export CSVs are kept (elsx.storage): None = a private folder beside
    # MEDIA_ROOT, a path, or {"BACKEND": ..., "OPTIONS": {...}} for e.g. a private S3 bucket.
    "STORAGE": None,
    # Finished background exports (names, emails) are deleted after this many hours.
    "EXPORT_RETENTION_HOURS": 24,
    # Course keys of the MKRP module courses run in elsx: completions are counted by agency.
    "MKRP_MODULE_COURSES": [],
}


def get(name):
    overrides = getattr(settings, "ELSX", None) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
