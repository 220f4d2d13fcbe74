"""Seeded data and helpers for the hostile suite (see SECURITY.md).

The world: alice has finished the course, claimed and holds a certificate;
mallory is the attacker (an enrolled learner with a little progress); carol
has finished and not yet claimed; "instructor" is course staff and "none" is
anonymous. Every private string alice owns is listed in SECRETS, so a test can
check that a response carries none of them.
"""
import hashlib
import json
from dataclasses import dataclass

import pytest
from django.utils import timezone
from webob import Request

from elsx.certificates import api
from elsx.curriculum import get_curriculum
from elsx.cohort import links
from elsx.models import Certificate, ExportJob, ExportLink, LearnerProfile, TopicProgress
from elsx.progress import refresh_summary

COURSE = "course-v1:ELSX+EXEC101+demo"
STAFF, ANON = "instructor", "none"
ALICE, MALLORY, CAROL = "alice", "mallory", "carol"
ALICE_FULL_NAME = "Alicia Quartermaine"
ALICE_EMAIL = "alicia.quartermaine@private-agency.example"
ALICE_LEGAL = "Alicia Q. Legalname-Secret"
ALICE_AGENCY = "Quartermaine Hidden Sheriff"
ALICE_STATE_ID = "SID-77441-PRIV"
ALICE_REFLECTION = "Alicia private reflection: our intake desk turned a family away in 2025."
CAROL_LEGAL = "Carol Claimant-Legal"
STAFF_EXPORT_TOKEN = "hostile-suite-staff-export-token-0123456789"  # 43 characters, like a real one
FAKE_PDF = b"%PDF-1.7\n% elsx hostile-suite stand-in\n%%EOF\n"


@dataclass
class World:
    alice_number: str
    secrets: tuple

    def leaks(self, body):
        """The private strings of alice found in body (text or bytes)."""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        return [secret for secret in self.secrets if secret in text]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org", "VERIFY_RATE_LIMIT": 100000}
    return tmp_path / "elsx-private"  # where elsx.storage keeps learner files, beside MEDIA_ROOT


@pytest.fixture
def fake_pdf(monkeypatch):
    """Skip WeasyPrint where the PDF's content doesn't matter (the PDF tests render for real)."""
    monkeypatch.setattr(api, "render_pdf", lambda prepared: FAKE_PDF)
    return FAKE_PDF


def finish_course(learner_id, full_name, email, reflection="We will review our intake policy this quarter.",
                  **profile_fields):
    profile, _ = LearnerProfile.objects.get_or_create(
        course_key=COURSE, learner_id=learner_id,
        defaults={"full_name": full_name, "email": email, "username": learner_id})
    now = timezone.now()
    for topic in get_curriculum().topics:
        TopicProgress.objects.update_or_create(
            course_key=COURSE, learner_id=learner_id, topic_id=topic.id,
            defaults={"sections_viewed": list(topic.section_ids()), "first_viewed_at": now,
                      "sections_viewed_at": now, "check_passed_at": now, "reflection_saved_at": now,
                      "reflection": reflection, "completed_at": now, "attempts": 1, "best_score": 100,
                      "last_score": 100,
                      "last_answers": {q.id: q.correct_option_id for q in topic.questions}})
    refresh_summary(profile, now)
    for key, value in profile_fields.items():
        setattr(profile, key, value)
    profile.first_activity_at = profile.last_activity_at = now
    profile.save()
    return profile


@pytest.fixture
def world(db, media, fake_pdf):
    finish_course(ALICE, ALICE_FULL_NAME, ALICE_EMAIL, reflection=ALICE_REFLECTION, legal_name=ALICE_LEGAL,
                  agency=ALICE_AGENCY, role="le_executive", state_training_id=ALICE_STATE_ID, state="CA",
                  claimed_at=timezone.now())
    cert = api.issue(COURSE, ALICE)
    finish_course(CAROL, "Carol Candidate", "carol@example.org")
    topic = get_curriculum().topics[0]
    LearnerProfile.objects.create(course_key=COURSE, learner_id=MALLORY, full_name="Mallory Attacker",
                                  email="mallory@example.org", username=MALLORY)
    TopicProgress.objects.create(course_key=COURSE, learner_id=MALLORY, topic_id=topic.id,
                                 sections_viewed=[topic.section_ids()[0]], first_viewed_at=timezone.now())
    # Alice leads her agency (agency 1) and has attested one criterion; agency 2 is a duplicate to merge.
    from elsx.agency import api as agency_api
    agency_api.link_learner(COURSE, ALICE, ALICE_AGENCY, "law_enforcement", "CA", True)
    agency_api.attest(COURSE, ALICE, "executive", {"training": "ceomec", "completed_on": "2025-01-06"})
    agency_api.find_or_create(ALICE_AGENCY + " Department", "law_enforcement", "CA")
    secrets = (ALICE_FULL_NAME, ALICE_EMAIL, ALICE_LEGAL, ALICE_AGENCY, ALICE_STATE_ID, ALICE_REFLECTION,
               cert.number, api.numbers.display(cert.number))
    # A download link the staff user was given, as the export handler gives them (inventory.sample_request).
    ExportLink.objects.create(token_hash=links._digest(STAFF_EXPORT_TOKEN), course_key=COURSE,  # noqa: SLF001
                              user_id=STAFF, kind="credit", params={"profile": "default"},
                              expires_at=timezone.now() + links.TTL)
    return World(alice_number=cert.number, secrets=secrets)


# --- calling handlers ------------------------------------------------------------

def block_for(make_block, xml, user_id):
    return make_block(xml, user_id)


def raw_call(block, handler, body=b"", method="POST", query="", content_type="application/json"):
    """Send exact bytes to a handler; returns (status, parsed JSON or None, raw body, headers)."""
    request = Request.blank("/" + (f"?{query}" if query else ""), method=method,
                            body=body if method not in ("GET", "HEAD") else None)
    if method not in ("GET", "HEAD"):
        request.content_type = content_type
    response = block.runtime.handle(block, handler, request)
    try:
        payload = json.loads(response.body.decode("utf-8"))
    except ValueError:
        payload = None
    return response.status_code, payload, response.body, response.headers


def json_call(block, handler, data, query=""):
    return raw_call(block, handler, json.dumps(data).encode("utf-8"), query=query)


def staff_block(make_block):
    """The cohort dashboard seen by staff: where certificates are revoked, reissued and reinstated."""
    from tests.cohort_helpers import cohort_xml
    return make_block(cohort_xml(), STAFF)


def certificate_action(block, action, number, learner_id=ALICE, **fields):
    """The drill-down's revoke, reissue or reinstate of learner_id's certificate number, as the page sends it."""
    return json_call(block, f"{action}_certificate", dict(fields, learner_id=learner_id, number=number))


# --- stored state ----------------------------------------------------------------

def snapshot(ignore=()):
    """Every row of every elsx table plus the workbench's block field storage, as plain data."""
    from django.apps import apps
    from workbench.models import XBlockState
    state = {}
    # Every elsx table, so a new package's tables are covered without listing them here.
    for model in [*apps.get_app_config("elsx").get_models(), XBlockState]:
        rows = []
        for row in model.objects.order_by("pk").values():
            if model is XBlockState and row["state"].strip() == "{}":
                continue  # the workbench creates an empty row when a block's content is first read
            rows.append({key: value for key, value in row.items() if key not in ignore})
        state[model.__name__] = rows
    return state


def file_digests(root):
    """{relative path: sha256} of every file under root (certificate PDFs, export CSVs)."""
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}
