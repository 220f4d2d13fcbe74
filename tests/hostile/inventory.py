"""What the package exposes, found by introspection, and the access policy each endpoint must have.

Add a handler or a URL to elsx and test_inventory fails until it is listed
here; once listed, every themed module (authorization, malformed input,
CSRF...) covers it automatically.
"""
import time
from datetime import timedelta
from importlib.metadata import entry_points

from django.urls import URLPattern, URLResolver
from django.utils import timezone

from tests.cohort_helpers import cohort_xml

LEARNER, STAFF_ONLY, AUTHORING, PUBLIC = "learner", "staff-only", "authoring", "public"

BLOCK_XML = {
    "elsx_topic": '<elsx_topic topic_id="vulnerable-populations"/>',
    "elsx_progress": "<elsx_progress/>",
    "elsx_certificate": "<elsx_certificate/>",
    "elsx_cohort": cohort_xml(),
    "elsx_final": "<elsx_final/>",
    "elsx_evaluation": "<elsx_evaluation/>",
    "elsx_readiness": "<elsx_readiness/>",
    "elsx_capstone": "<elsx_capstone/>",
}

# (block type, handler) -> policy. "GET" marks a plain XBlock.handler download.
HANDLERS = {
    ("elsx_topic", "view_section"): LEARNER,
    ("elsx_topic", "submit_check"): LEARNER,
    ("elsx_topic", "save_reflection"): LEARNER,
    ("elsx_topic", "heartbeat"): LEARNER,
    ("elsx_topic", "studio_submit"): AUTHORING,
    ("elsx_topic", "choose_scenario"): LEARNER,
    ("elsx_capstone", "save_plan"): LEARNER,
    ("elsx_capstone", "submit_plan"): LEARNER,
    ("elsx_capstone", "withdraw_plan"): LEARNER,
    ("elsx_capstone", "download"): LEARNER,
    ("elsx_progress", "refresh"): LEARNER,
    ("elsx_certificate", "claim"): LEARNER,
    ("elsx_certificate", "download"): LEARNER,
    ("elsx_cohort", "grid"): STAFF_ONLY,
    ("elsx_cohort", "refresh"): STAFF_ONLY,
    ("elsx_cohort", "learner"): STAFF_ONLY,
    ("elsx_cohort", "revoke_certificate"): STAFF_ONLY,
    ("elsx_cohort", "reissue_certificate"): STAFF_ONLY,
    ("elsx_cohort", "reinstate_certificate"): STAFF_ONLY,
    ("elsx_cohort", "emails"): STAFF_ONLY,
    ("elsx_cohort", "agencies"): STAFF_ONLY,
    ("elsx_cohort", "issue_preview"): STAFF_ONLY,
    ("elsx_cohort", "issue_certificates"): STAFF_ONLY,
    ("elsx_cohort", "export"): STAFF_ONLY,
    ("elsx_cohort", "export_status"): STAFF_ONLY,
    ("elsx_cohort", "nudge_preview"): STAFF_ONLY,
    ("elsx_cohort", "nudge_send"): STAFF_ONLY,
    ("elsx_cohort", "download"): STAFF_ONLY,
    ("elsx_cohort", "submit_studio_edits"): AUTHORING,
    ("elsx_cohort", "review_detail"): STAFF_ONLY,
    ("elsx_cohort", "review_decide"): STAFF_ONLY,
    ("elsx_cohort", "training_file"): STAFF_ONLY,
    ("elsx_final", "start"): LEARNER,
    ("elsx_final", "submit"): LEARNER,
    ("elsx_final", "grant_attempt"): STAFF_ONLY,
    ("elsx_evaluation", "submit"): LEARNER,
    ("elsx_evaluation", "export"): STAFF_ONLY,
    ("elsx_topic", "learner_state"): LEARNER,
    ("elsx_progress", "learner_state"): LEARNER,
    ("elsx_certificate", "learner_state"): LEARNER,
    ("elsx_readiness", "link"): LEARNER,
    ("elsx_readiness", "suggest"): LEARNER,
    ("elsx_readiness", "attest"): LEARNER,
    ("elsx_readiness", "summary"): LEARNER,
    ("elsx_readiness", "agencies"): STAFF_ONLY,
    ("elsx_readiness", "review"): STAFF_ONLY,
    ("elsx_readiness", "merge"): STAFF_ONLY,
    ("elsx_readiness", "membership"): STAFF_ONLY,
    ("elsx_readiness", "export"): STAFF_ONLY,
    ("elsx_readiness", "upload_policy"): LEARNER,
    ("elsx_readiness", "policy_document"): LEARNER,
}

# Handlers that answer GET with a file (plain XBlock.handler); every other one is a JSON POST handler.
DOWNLOADS = {("elsx_certificate", "download"), ("elsx_cohort", "download"), ("elsx_readiness", "summary"),
             ("elsx_readiness", "export"), ("elsx_capstone", "download"), ("elsx_cohort", "training_file"),
             ("elsx_evaluation", "export"), ("elsx_readiness", "policy_document")}
# Handlers that take one file as multipart/form-data (elsx.blocks.uploads.upload_handler), not JSON;
# tests/hostile/test_uploads.py holds them to their own rules (size, type by content, file name).
UPLOADS = {("elsx_readiness", "upload_policy")}
# JSON handlers that answer GET (the learner's own state, for the mobile apps); swept like downloads.
GET_JSON = {("elsx_topic", "learner_state"), ("elsx_progress", "learner_state"),
            ("elsx_certificate", "learner_state")}
DOWNLOADS = DOWNLOADS | GET_JSON

# URL name (namespace elsx) -> policy. All are read-only; none may accept a POST.
VIEWS = {
    "verify_lookup": PUBLIC,
    "verify_json": PUBLIC,
    "verify": PUBLIC,
    # Signed credentials and what a verifier fetches to check them (elsx.credentials, issue 15).
    "verify_vc": PUBLIC,
    "verify_short": PUBLIC,
    "issuer": PUBLIC,
    "issuer_key": PUBLIC,
    "status_list": PUBLIC,
}


def block_classes():
    """{entry point name: class} for every XBlock the installed elsx distribution declares."""
    found = {}
    for point in entry_points(group="xblock.v1"):
        if point.dist is not None and point.dist.name == "elsx":
            found[point.name] = point.load()
    return found


def discovered_handlers():
    """{(block type, handler name): the handler function} found on the classes themselves."""
    found = {}
    for block_type, cls in block_classes().items():
        for name in dir(cls):
            member = getattr(cls, name, None)
            if callable(member) and getattr(member, "_is_xblock_handler", False):
                found[(block_type, name)] = member
    return found


def discovered_views():
    """{url name: pattern} of every view under elsx.urls (include()s followed)."""
    from elsx import urls

    found = {}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found[pattern.name or f"<unnamed {prefix}{pattern.pattern}>"] = pattern
    walk(urls.urlpatterns)
    return found


def handlers_with(*policies):
    return sorted(key for key, policy in HANDLERS.items() if policy in policies)


def json_handlers_with(*policies):
    return [key for key in handlers_with(*policies) if key not in DOWNLOADS and key not in UPLOADS]


# The smallest file each upload handler accepts (a one-page PDF's skeleton).
SAMPLE_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n"
              b"% A policy typed by whoever is calling\n%%EOF\n")


def multipart(files=(("document", "policy.pdf", SAMPLE_PDF),), fields=(), boundary="elsx-hostile-boundary"):
    """(body, content type) of a multipart/form-data request: files as (field, filename, bytes)."""
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + value.encode() + b"\r\n")
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def sample_upload(key):
    """A well-formed request for each upload handler: (body, content type)."""
    assert key in UPLOADS, key
    return multipart()


def ident(key):
    return f"{key[0]}.{key[1]}"


def _rated():
    from elsx.evaluation import api
    return api.rated_items()


def sample_plan():
    """A complete capstone plan, typed by whoever is calling."""
    goal = {"goal": "A goal typed by whoever is calling", "owner": "An owner", "timeline": "By month six",
            "resources": "Staff time", "partners": "The county PSAP", "measure": "Share trained, 60% to 100%"}
    return {"readiness": {key: {"status": "met", "evidence": "Evidence typed by the caller", "gap": ""}
                          for key in ("executive_training", "policy", "personnel_training")},
            "goals": [dict(goal), dict(goal), dict(goal)],
            "communication": {"personnel": "Roll call", "partners": "MDT meeting", "community": "Council report",
                              "first_review": "2027-03-01"}}


def sample_request(key, alice_number):
    """A well-formed request for each handler: (JSON body or None, query string)."""
    from elsx.curriculum import get_curriculum
    topic = get_curriculum().topic("vulnerable-populations")
    recent_start = (timezone.localdate() - timedelta(days=30)).isoformat()  # within the allowed range
    bodies = {
        ("elsx_topic", "view_section"): {"section": topic.section_ids()[-1]},
        ("elsx_topic", "submit_check"): {"answers": {q.id: q.correct_option_id for q in topic.questions}},
        ("elsx_topic", "save_reflection"): {"text": "A reflection typed by whoever is calling this handler."},
        ("elsx_topic", "heartbeat"): {"section": topic.section_ids()[0], "sent_at": int(time.time() * 1000)},
        ("elsx_topic", "studio_submit"): {"title": "A title typed by whoever is calling"},
        ("elsx_topic", "choose_scenario"): {"scenario": topic.scenarios[0].id, "stage": topic.scenarios[0].stages[0].id,
                                            "choice": topic.scenarios[0].stages[0].choices[0].id},
        ("elsx_capstone", "save_plan"): sample_plan(),
        ("elsx_capstone", "submit_plan"): sample_plan(),
        ("elsx_capstone", "withdraw_plan"): {},
        ("elsx_progress", "refresh"): {},
        ("elsx_certificate", "claim"): {"legal_name": "Claimed Name", "agency": "Claimed Agency",
                                        "role": "le_executive"},
        ("elsx_cohort", "grid"): {"search": "ali"},
        ("elsx_cohort", "refresh"): {},
        ("elsx_cohort", "learner"): {"learner_id": "alice"},
        # The drill-down's actions: the learner shown and the number staff confirmed.
        ("elsx_cohort", "revoke_certificate"): {"learner_id": "alice", "number": alice_number,
                                                "reason": "Revoked by whoever is calling"},
        ("elsx_cohort", "reissue_certificate"): {"learner_id": "alice", "number": alice_number,
                                                 "legal_name": "Reissued Name"},
        ("elsx_cohort", "reinstate_certificate"): {"learner_id": "alice", "number": alice_number,
                                                   "reason": "Reinstated by whoever is calling"},
        ("elsx_cohort", "emails"): {},
        ("elsx_cohort", "agencies"): {},
        ("elsx_cohort", "issue_preview"): {},
        ("elsx_cohort", "issue_certificates"): {},
        ("elsx_cohort", "export"): {"kind": "credit", "profile": "default"},
        ("elsx_cohort", "export_status"): {"job": 1},
        ("elsx_cohort", "nudge_preview"): {"status": "behind"},
        ("elsx_cohort", "nudge_send"): {"status": "behind"},
        ("elsx_cohort", "submit_studio_edits"): {"values": {"cohort_start": "2020-01-06"}, "defaults": []},
        ("elsx_cohort", "submit_studio_edits"): {"values": {"cohort_start": recent_start}, "defaults": []},
        ("elsx_readiness", "link"): {"agency": "Claimed Agency Police Department", "kind": "law_enforcement",
                                     "state": "CA", "executive": True},
        ("elsx_readiness", "suggest"): {"agency": "Claimed Agency", "state": "CA"},
        ("elsx_readiness", "attest"): {"criterion": "executive",
                                       "evidence": {"training": "ceomec", "completed_on": "2025-01-06"}},
        ("elsx_readiness", "agencies"): {"state": "CA"},
        ("elsx_readiness", "review"): {"agency": 1, "criterion": "executive", "version": 1, "accept": False,
                                       "comment": "Returned by whoever is calling"},
        ("elsx_readiness", "merge"): {"keep": 1, "drop": 2},
        ("elsx_readiness", "membership"): {"agency": 1, "member_since": "2024-01-06"},
        ("elsx_cohort", "review_detail"): {"submission": 1},
        ("elsx_cohort", "review_decide"): {"submission": 1, "verdict": "accept", "comment": "Accepted by whoever",
                                           "rubric": {key: 2 for key in ("goals", "owners", "timeline", "resources",
                                                                         "measures", "partners", "communication")}},
        ("elsx_final", "start"): {},
        ("elsx_final", "submit"): {"draw_id": "A" * 32, "answers": {"vp-1": "a"}},
        ("elsx_final", "grant_attempt"): {"learner_id": "alice", "reason": "Granted by whoever is calling"},
        ("elsx_evaluation", "submit"): {"ratings": {item.id: 4 for item in _rated()},
                                        "comments": {"comment-other": "Typed by whoever is calling"}},
    }
    if key == ("elsx_cohort", "download"):
        # The download link the world gave staff (conftest.world); nobody else may use it.
        from tests.hostile.conftest import STAFF_EXPORT_TOKEN
        return None, f"token={STAFF_EXPORT_TOKEN}"
    queries = {
        ("elsx_certificate", "download"): f"number={alice_number}",
        ("elsx_cohort", "training_file"): "",
        ("elsx_evaluation", "export"): "",
        ("elsx_readiness", "summary"): "",
        ("elsx_topic", "learner_state"): "",
        ("elsx_progress", "learner_state"): "",
        ("elsx_certificate", "learner_state"): "",
        ("elsx_readiness", "export"): "",
        ("elsx_readiness", "policy_document"): "",
        ("elsx_capstone", "download"): "",
    }
    if key in DOWNLOADS:
        return None, queries[key]
    if key in UPLOADS:
        return None, ""  # see sample_upload
    return bodies[key], ""
