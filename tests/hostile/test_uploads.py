"""Upload handlers (inventory.UPLOADS): one multipart file, its own size limit, the type judged by content,
the file name a label only, stored privately and served only to the agency's people and staff.

The world: alice leads agency 1 and has attested its policy here; mallory is linked to no agency.
"""
import io
import zipfile

import pytest
from django.test import Client
from webob import Request

from elsx import storage
from elsx.agency import api as agency_api
from elsx.agency.models import Attestation
from tests.conftest import as_user
from tests.hostile import inventory
from tests.hostile.conftest import ALICE, ANON, COURSE, MALLORY, STAFF, file_digests, raw_call, snapshot
from tests.hostile.inventory import SAMPLE_PDF, multipart

pytestmark = pytest.mark.django_db
KEY = ("elsx_readiness", "upload_policy")
POLICY = {"policy_name": "GO 41 Missing Children", "adopted_on": "2025-02-01",
          "quality_assurance": "A supervisor reviews every missing-child report within one shift.",
          "responders_trained": True}


def test_the_upload_list_is_this_module():
    assert inventory.UPLOADS == {KEY}, "a new upload handler: give it the checks below"


@pytest.fixture
def policy(world):
    agency_api.attest(COURSE, ALICE, "policy", POLICY)
    return Attestation.objects.get(criterion="policy")


@pytest.fixture
def alice(make_block, policy):
    return make_block(inventory.BLOCK_XML[KEY[0]], ALICE)


def upload(block, files=(("document", "policy.pdf", SAMPLE_PDF),), fields=(), query=""):
    body, content_type = multipart(files, fields)
    return raw_call(block, KEY[1], body, query=query, content_type=content_type)


def docx(extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", "word/document.xml", *extra):
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def stored_document():
    return Attestation.objects.get(criterion="policy").evidence.get("document")


def test_the_executive_attaches_a_pdf_stored_privately_under_a_random_name(alice, media):
    status, payload, raw, _headers = upload(alice)
    assert status == 200, raw[:300]
    meta = stored_document()
    assert meta["kind"] == "pdf" and meta["filename"] == "policy.pdf" and meta["size"] == len(SAMPLE_PDF)
    assert meta["file"].startswith("elsx/agency-documents/") and "policy" not in meta["file"]
    assert (media / meta["file"]).read_bytes() == SAMPLE_PDF
    with pytest.raises(ValueError):
        storage.get_storage().url(meta["file"])  # no URL: only the handler serves it
    assert meta["file"] not in payload["html"]
    assert Attestation.objects.get(criterion="policy").status == Attestation.STATUS_SUBMITTED


def test_a_word_document_is_accepted_by_its_content(alice):
    status, _payload, raw, _headers = upload(alice, files=(("document", "Policy.DOCX", docx()),))
    assert status == 200, raw[:300]
    assert stored_document()["kind"] == "docx"


BAD_FILES = {
    "empty": ("policy.pdf", b""),
    "png named pdf": ("policy.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
    "html named pdf": ("policy.pdf", b"<html><script>alert(1)</script></html>"),
    "pdf cut short": ("policy.pdf", SAMPLE_PDF[:40]),
    "pdf header late": ("policy.pdf", b"MZ" + SAMPLE_PDF),
    "windows program": ("policy.docx", b"MZ\x90\x00" + b"\0" * 200),
    "zip, not word": ("policy.docx", b"PK\x03\x04" + b"\0" * 100),
    "zip without word parts": ("policy.docx", docx()),  # replaced below: a zip of other files
    "word with macros": ("policy.docx", docx(extra=("word/vbaProject.bin",))),
}


def _plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word file")
    return buffer.getvalue()


BAD_FILES["zip without word parts"] = ("policy.docx", _plain_zip())


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_file_that_is_not_a_pdf_or_docx_is_400_and_stores_nothing(alice, media, name):
    filename, data = BAD_FILES[name]
    before, files = snapshot(), file_digests(media)
    status, payload, raw, _headers = upload(alice, files=(("document", filename, data),))
    assert status == 400 and payload["error"].strip() and payload.get("field") == "document", raw[:300]
    assert snapshot() == before and file_digests(media) == files


def test_a_file_over_the_limit_is_413_and_stores_nothing(alice, media, settings):
    settings.ELSX = dict(settings.ELSX, AGENCY_DOCUMENT_MAX_BYTES=len(SAMPLE_PDF) - 1)
    before, files = snapshot(), file_digests(media)
    status, payload, _raw, _headers = upload(alice)
    assert status == 413 and "too large" in payload["error"]
    assert snapshot() == before and file_digests(media) == files
    settings.ELSX = dict(settings.ELSX, AGENCY_DOCUMENT_MAX_BYTES=len(SAMPLE_PDF))
    assert upload(alice)[0] == 200  # exactly the limit is allowed


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(alice, media):
    body, content_type = multipart()
    request = Request.blank("/", method="POST", body=body)
    request.content_type = content_type
    request.content_length = 11 * 1024 * 1024  # more than the 10 MB default plus the multipart room
    before = snapshot()
    response = alice.runtime.handle(alice, KEY[1], request)
    assert response.status_code == 413 and snapshot() == before


def test_the_default_limit_is_ten_megabytes(alice):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 20) + b"\n%%EOF\n"
    assert len(big) <= 10 * 1024 * 1024
    assert upload(alice, files=(("document", "big.pdf", big),))[0] == 200
    assert upload(alice, files=(("document", "big.pdf", big + b"0" * 10),))[0] == 413


MALFORMED = {
    "json body": (b'{"document": "x"}', "application/json"),
    "no body": (b"", "multipart/form-data; boundary=x"),
    "garbage": (b"\xff\xfe not a multipart body", "multipart/form-data; boundary=zz"),
    "form-urlencoded": (b"document=%25PDF-1.4", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_body_that_is_not_one_multipart_file_is_400(alice, media, name):
    body, content_type = MALFORMED[name]
    before, files = snapshot(), file_digests(media)
    status, payload, raw, _headers = raw_call(alice, KEY[1], body, content_type=content_type)
    assert status == 400 and payload["error"].strip(), raw[:300]
    assert snapshot() == before and file_digests(media) == files


@pytest.mark.parametrize("files, fields", [
    ((), ()),
    ((("document", "a.pdf", SAMPLE_PDF), ("document", "b.pdf", SAMPLE_PDF)), ()),
    ((("file", "a.pdf", SAMPLE_PDF),), ()),
    ((("document", "a.pdf", SAMPLE_PDF),), (("learner_id", "alice"),)),
    ((), (("document", "%PDF-1.4 typed as text %%EOF"),)),
], ids=["nothing", "two files", "wrong field", "extra field", "text, not a file"])
def test_anything_but_one_file_in_its_field_is_400(alice, media, files, fields):
    before, files_before = snapshot(), file_digests(media)
    status, payload, raw, _headers = upload(alice, files=files, fields=fields)
    assert status == 400 and payload["error"].strip(), raw[:300]
    assert snapshot() == before and file_digests(media) == files_before


def test_query_parameters_are_refused(alice):
    status, payload, _raw, _headers = upload(alice, query="agency=2")
    assert status == 400 and "agency" in payload["error"]


@pytest.mark.parametrize("sent, label", [
    ("../../../../tmp/elsx-evil.pdf", "elsx-evil.pdf"),
    ("C:\\Users\\chief\\Desktop\\GO 41.pdf", "GO 41.pdf"),
    ("/etc/passwd", "passwd.pdf"),
    ("..", "policy-document.pdf"),
    ("policy.exe", "policy.pdf"),
    ("\u202efdp.exe", "fdp.pdf"),
    ('<img src=x onerror=alert(1)>".pdf', "img src=x onerror=alert(1).pdf"),
    ("pol\x00icy.pdf", "policy.pdf"),
    ("a" * 500 + ".pdf", "a" * 114 + ".pdf"),
])
def test_a_file_name_with_path_parts_is_only_a_label(alice, media, tmp_path, sent, label):
    status, payload, raw, _headers = upload(alice, files=(("document", sent, SAMPLE_PDF),))
    assert status == 200, raw[:300]
    meta = stored_document()
    assert meta["filename"] == label
    assert meta["file"].startswith("elsx/agency-documents/") and ".." not in meta["file"]
    stored = [path for path in (media / "elsx/agency-documents").rglob("*") if path.is_file()]
    assert [path.relative_to(media).as_posix() for path in stored] == [meta["file"]]
    assert not (tmp_path.parent / "elsx-evil.pdf").exists()
    assert "<img" not in payload["html"]
    response = alice.runtime.handle(alice, "policy_document", Request.blank("/", method="GET"))
    disposition = response.headers["Content-Disposition"]
    assert response.status_code == 200 and "/" not in disposition.split("filename*=")[0] and "\\" not in disposition


@pytest.mark.parametrize("user", [ANON, MALLORY, STAFF, "deputy"])
def test_only_the_agency_executive_may_upload(make_block, policy, media, user):
    if user == "deputy":  # linked to alice's agency, not its executive
        agency_api.link_learner(COURSE, "deputy", "Quartermaine Hidden Sheriff", "law_enforcement", "CA", False)
    block = make_block(inventory.BLOCK_XML[KEY[0]], user)
    before, files = snapshot(), file_digests(media)
    status, payload, raw, _headers = upload(block)
    assert status in (401, 403) and set(payload) <= {"error", "field"}, raw[:300]
    assert snapshot() == before and file_digests(media) == files


def test_a_document_before_the_policy_is_attested_is_409(make_block, world, media):
    block = make_block(inventory.BLOCK_XML[KEY[0]], ALICE)
    before, files = snapshot(), file_digests(media)
    status, payload, _raw, _headers = upload(block)
    assert status == 409 and "policy" in payload["error"]
    assert snapshot() == before and file_digests(media) == files


def get_document(block, query=""):
    response = block.runtime.handle(block, "policy_document",
                                    Request.blank("/" + (f"?{query}" if query else ""), method="GET"))
    return response.status_code, response.body, response.headers


def test_the_download_is_for_the_agency_and_staff_only(alice, make_block, world):
    assert upload(alice)[0] == 200
    agency_id = Attestation.objects.get(criterion="policy").agency_id
    status, body, headers = get_document(alice)
    assert status == 200 and body == SAMPLE_PDF and headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "no-store" and headers["X-Content-Type-Options"] == "nosniff"
    agency_api.link_learner(COURSE, "deputy", "Quartermaine Hidden Sheriff", "law_enforcement", "CA", False)
    assert get_document(as_user(alice, "deputy"))[1] == SAMPLE_PDF  # the agency's people see its readiness
    assert get_document(as_user(alice, STAFF), f"agency={agency_id}")[1] == SAMPLE_PDF
    for user, query in ((MALLORY, ""), (MALLORY, f"agency={agency_id}"), (ANON, ""), (ANON, f"agency={agency_id}"),
                        (STAFF, "")):
        status, body, headers = get_document(as_user(alice, user), query)
        assert status in (400, 403) and b"%PDF" not in body and world.leaks(body) == [], (user, query, status)
        assert headers["Content-Type"].startswith("application/json")
    other = agency_api.find_or_create("Another County Sheriff", "law_enforcement", "CA")
    assert get_document(as_user(alice, STAFF), f"agency={other.pk}")[0] == 404


def test_a_repeated_upload_has_one_effect_and_a_replacement_deletes_the_old_file(
        alice, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(alice)[0] == 200
    first = stored_document()
    after, files = snapshot(), file_digests(media)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(alice, files=(("document", "renamed.pdf", SAMPLE_PDF),))[0] == 200
    assert snapshot() == after and file_digests(media) == files  # the same bytes: nothing changed
    newer = SAMPLE_PDF.replace(b"whoever", b"the chief")
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(alice, files=(("document", "v2.pdf", newer),))[0] == 200
    second = stored_document()
    assert second["file"] != first["file"] and second["filename"] == "v2.pdf"
    assert not (media / first["file"]).exists() and (media / second["file"]).read_bytes() == newer
    assert len(file_digests(media / "elsx/agency-documents")) == 1


def test_re_attesting_the_policy_keeps_the_document_and_nobody_can_type_one(alice):
    assert upload(alice)[0] == 200
    meta = stored_document()
    agency_api.attest(COURSE, ALICE, "policy", dict(POLICY, policy_name="GO 41 rev. 2"))
    assert stored_document() == meta
    from tests.hostile.conftest import json_call
    status, payload, _raw, _headers = json_call(alice, "attest", {"criterion": "policy",
                                                                  "evidence": dict(POLICY, document=meta)})
    assert status == 400 and "document" in payload["error"]


def test_storage_failing_is_503_and_stores_nothing(alice, media, monkeypatch):
    def full(name, content, max_length=None):
        raise OSError(28, "No space left on device")
    before = snapshot()
    monkeypatch.setattr(storage.get_storage(), "save", full)
    status, payload, _raw, _headers = upload(alice)
    assert status == 503 and payload["error"] and snapshot() == before
    monkeypatch.undo()
    assert upload(alice)[0] == 200


def test_retirement_keeps_the_agency_document_and_forgets_the_uploader(alice, media):
    from elsx.retirement import retire_learner
    assert upload(alice, files=(("document", "Alicia Quartermaine policy.pdf", SAMPLE_PDF),))[0] == 200
    meta = stored_document()
    retire_learner(ALICE)
    after = stored_document()
    assert after["file"] == meta["file"] and (media / meta["file"]).exists()
    assert after["uploaded_by"] == "" and after["filename"] == "policy-document.pdf"
    assert "Quartermaine" not in str(Attestation.objects.get(criterion="policy").evidence["document"])
    before = snapshot()
    retire_learner(ALICE)
    assert snapshot() == before  # safe to run again
    agency_id = Attestation.objects.get(criterion="policy").agency_id
    assert get_document(as_user(alice, STAFF), f"agency={agency_id}")[1] == SAMPLE_PDF


def test_a_merge_moves_the_document_with_its_attestation_and_deletes_no_file(alice, media):
    assert upload(alice)[0] == 200
    meta = stored_document()
    drop = Attestation.objects.get(criterion="policy").agency
    keep = agency_api.find_or_create("Quartermaine Sheriff Office of Record", "law_enforcement", "CA")
    agency_api.merge(keep.pk, drop.pk, STAFF)
    moved = Attestation.objects.get(criterion="policy")
    assert moved.agency_id == keep.pk and moved.evidence["document"] == meta
    assert get_document(alice)[1] == SAMPLE_PDF and (media / meta["file"]).exists()


def test_the_workbench_route_refuses_an_upload_without_the_csrf_token(alice):
    body, content_type = multipart()
    path = f"/handler/{alice.scope_ids.usage_id}/{KEY[1]}/?student={ALICE}"
    before = snapshot()
    response = Client(enforce_csrf_checks=True).post(path, data=body, content_type=content_type)
    assert response.status_code == 403 and snapshot() == before
    from django.middleware.csrf import _get_new_csrf_string
    token = _get_new_csrf_string()
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = token
    answered = client.post(path, data=body, content_type=content_type, HTTP_X_CSRFTOKEN=token)
    assert answered.status_code == 200, answered.content[:300]  # through Django's own multipart parser
    assert stored_document()["filename"] == "policy.pdf"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_wrong_method_is_405(alice, method):
    status, payload, _raw, headers = raw_call(alice, KEY[1], b"", method=method)
    assert status == 405 and headers["Allow"] == "POST" and payload["error"]
