"""The agency readiness block: the executive's view and forms, staff review, downloads, and who sees what."""
import csv
import io

import pytest
from webob import Request

from elsx.agency import api
from elsx.agency.models import Agency, AgencyLearner, Attestation
from tests.conftest import COURSE, as_user, call, render

XML = '<elsx_readiness display_name="Agency readiness"/>'
EXEC = {"training": "mkrp_online", "completed_on": "2025-03-04"}
POLICY = {"policy_name": "GO 41.2 <Missing> Children", "adopted_on": "2025-05-01",
          "quality_assurance": "Supervisors review every missing-child report within 24 hours.",
          "responders_trained": True}


@pytest.fixture
def block(make_block):
    return make_block(XML, "chief-1")


def get(block, handler, query=""):
    request = Request.blank("/" + (f"?{query}" if query else ""), method="GET")
    response = block.runtime.handle(block, handler, request)
    return response


def link(block, name="Riverside Co. Sheriff", executive=True):
    return call(block, "link", {"agency": name, "kind": "law_enforcement", "state": "CA", "executive": executive})


def test_a_learner_names_their_agency_then_attests(block):
    assert "Save my agency" in render(block)
    status, body = link(block)
    assert status == 200 and "Riverside Co. Sheriff" in body["html"] and "1. Executive training" in body["html"]
    status, body = call(block, "attest", {"criterion": "executive", "evidence": EXEC})
    assert status == 200 and "Awaiting review" in body["html"]
    assert Attestation.objects.get().entered_by == "chief-1"


def test_identity_comes_from_the_runtime_not_the_request(block):
    link(block)
    status, body = call(block, "attest", {"criterion": "executive", "evidence": EXEC, "learner_id": "chief-9"})
    assert status == 400 and "Unknown field" in body["error"]
    assert Attestation.objects.count() == 0


def test_a_non_executive_sees_no_forms_and_cannot_attest(block):
    link(block)
    deputy = as_user(block, "deputy-1")
    assert link(deputy, "Riverside County Sheriff's Office", executive=False)[0] == 200
    html = render(deputy)
    assert "Your agency's executive enters its readiness." in html and "1. Executive training" not in html
    status, _body = call(deputy, "attest", {"criterion": "executive", "evidence": EXEC})
    assert status == 403 and Attestation.objects.count() == 0
    assert get(deputy, "summary").status_code == 403


@pytest.mark.parametrize("data", [
    {"agency": "", "kind": "law_enforcement"},
    {"agency": "Riverside PD", "kind": "army"},
    {"agency": "Riverside PD", "kind": "law_enforcement", "executive": "yes"},
    {"agency": ["Riverside PD"], "kind": "law_enforcement"},
    {"agency": "Riverside PD", "kind": "law_enforcement", "ori": "CA01"},
    {"agency": "Riverside PD", "kind": "law_enforcement", "ori": "1234567890"},
    {"agency": "Riverside PD", "kind": "law_enforcement", "ori": "CA019\u200b000"},
    {"agency": "Riverside PD", "kind": "law_enforcement", "ori": 190000},
])
def test_bad_link_input_is_a_400_and_stores_nothing(block, data):
    status, body = call(block, "link", data)
    assert status == 400 and body["error"]
    assert Agency.objects.count() == 0 and AgencyLearner.objects.count() == 0


def test_staff_see_every_agency_and_review(block):
    link(block)
    call(block, "attest", {"criterion": "policy", "evidence": POLICY})
    staff = as_user(block, "instructor")
    html = render(staff)
    assert "Riverside Co. Sheriff" in html and "Awaiting review" in html
    assert "<Missing>" not in html
    attestation = Attestation.objects.get()
    status, body = call(staff, "review", {"agency": attestation.agency_id, "criterion": "policy",
                                          "version": attestation.version, "accept": False, "comment": ""})
    assert status == 400 and Attestation.objects.get().status == "submitted"
    status, body = call(staff, "review", {"agency": str(attestation.agency_id), "criterion": "policy",
                                          "version": attestation.version, "accept": False,
                                          "comment": "Name the QA reviewer."})
    assert status == 200 and "Returned" in body["html"]
    assert "Name the QA reviewer." in render(block)


@pytest.mark.parametrize("handler, data", [
    ("agencies", {}), ("review", {"agency": 1, "criterion": "policy", "version": 1, "accept": True}),
    ("merge", {"keep": 1, "drop": 2}), ("membership", {"agency": 1, "member_since": "2024-01-01"}),
])
def test_staff_handlers_refuse_learners_with_no_data(block, handler, data):
    link(block)
    status, body = call(block, handler, data)
    assert status == 403 and set(body) == {"error"}
    assert get(block, "export").status_code == 403


@pytest.mark.parametrize("agency", ["²", "1" * 5000, "-1", True, 1.5, "0x1"])
def test_agency_numbers_are_parsed_strictly(block, agency):
    staff = as_user(block, "instructor")
    status, body = call(staff, "membership", {"agency": agency, "member_since": "2024-01-01"})
    assert status == 400 and body["field"] == "agency"


@pytest.mark.parametrize("query", ["agency=%C2%B2", "agency=" + "1" * 5000, "agency=-1", "agency=0x1", "agency=",
                                   "agency=1&agency=2x"])
def test_summary_agency_numbers_are_parsed_strictly(block, query):
    response = get(as_user(block, "instructor"), "summary", query)
    assert response.status_code == 400 and b"PDF" not in response.body[:8]


def test_the_executive_downloads_the_summary_pdf(block):
    link(block)
    call(block, "attest", {"criterion": "policy", "evidence": POLICY})
    response = get(block, "summary")
    assert response.status_code == 200 and response.body.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    staff_pdf = get(as_user(block, "instructor"), "summary", f"agency={Agency.objects.get().pk}")
    assert staff_pdf.status_code == 200 and staff_pdf.body.startswith(b"%PDF")


def test_the_summary_prints_the_evidence(block, tmp_path):
    import shutil
    import subprocess
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    link(block)
    call(block, "attest", {"criterion": "policy", "evidence": POLICY})
    path = tmp_path / "s.pdf"
    path.write_bytes(get(block, "summary").body)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "GO 41.2 <Missing> Children" in text and "Riverside Co. Sheriff" in text and "Awaiting review" in text


def test_staff_csv_lists_agencies_neutralised(block):
    call(block, "link", {"agency": "=HYPERLINK(1) Police Department", "kind": "law_enforcement", "state": "CA",
                         "executive": True})
    response = get(as_user(block, "instructor"), "export")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows[0][0] == "Agency" and rows[1][0] == "'=HYPERLINK(1) Police Department"
    assert rows[1][4] == "Not started"


def test_staff_merge_through_the_block(block):
    link(block)
    other = as_user(block, "chief-2")
    call(other, "link", {"agency": "Riverside Sherrif Dept", "kind": "law_enforcement", "state": "CA",
                         "executive": True})
    keep, drop = Agency.objects.order_by("pk")
    status, _body = call(as_user(block, "instructor"), "merge", {"keep": keep.pk, "drop": drop.pk})
    assert status == 200
    assert api.agency_of(COURSE, "chief-2").pk == keep.pk


def test_the_capstone_self_assessment_and_saved_evidence_prefill_the_forms(block):
    from elsx.capstone import api as capstone
    capstone.save_plan(COURSE, "chief-1", {
        "readiness": {"policy": {"status": "partly", "evidence": "Model policy adopted 2019 <no QA>",
                                 "gap": "no quality-assurance review"}},
        "goals": [], "communication": {}})
    link(block)
    call(block, "attest", {"criterion": "policy", "evidence": POLICY})
    html = render(block)
    assert "Your capstone self-assessment:" in html and "<strong>Partly met</strong>" in html
    assert "Model policy adopted 2019 &lt;no QA&gt;" in html and "no quality-assurance review" in html
    assert 'value="GO 41.2 &lt;Missing&gt; Children"' in html and 'value="2025-05-01"' in html
    assert "Supervisors review every missing-child report within 24 hours.</textarea>" in html


def test_without_a_capstone_plan_there_is_no_hint(block):
    link(block)
    assert "Your capstone self-assessment:" not in render(block)


def test_staff_page_through_agencies_and_keep_their_place_after_a_review(block, settings):
    settings.ELSX = {"AGENCY_PAGE_SIZE": 2}
    for i in range(5):
        call(as_user(block, f"chief-{i}"), "link", {"agency": f"Town {i} Police Department", "kind": "law_enforcement",
                                                    "state": "CA", "executive": True})
    call(as_user(block, "chief-4"), "attest", {"criterion": "executive", "evidence": EXEC})
    staff = as_user(block, "instructor")
    html = render(staff)
    assert "Town 0 Police" in html and "Town 2 Police" not in html and "Page 1 of 3" in html
    status, body = call(staff, "agencies", {"page": 3})
    assert status == 200 and "Town 4 Police" in body["html"] and "Town 0 Police" not in body["html"]
    assert "5 agencies" in body["html"] and "Page 3 of 3" in body["html"]
    attestation = Attestation.objects.get()
    status, body = call(staff, "review", {"agency": attestation.agency_id, "criterion": "executive", "version": 1,
                                          "accept": True, "view": {"page": 3}})
    assert status == 200 and "Town 4 Police" in body["html"] and "Met" in body["html"]
    for bad in ({"page": 0}, {"page": "²"}, {"page": "1" * 5000}, {"page": 1.5}, {"zz": 1}):
        status, body = call(staff, "agencies", bad)
        assert status == 400 and body["error"]
    status, body = call(staff, "review", {"agency": attestation.agency_id, "criterion": "executive", "version": 1,
                                          "accept": False, "comment": "x", "view": {"page": -1}})
    assert status == 400 and Attestation.objects.get().status == Attestation.STATUS_ACCEPTED


def upload_policy(block, filename, data):
    from tests.hostile.inventory import multipart
    body, content_type = multipart(files=(("document", filename, data),))
    request = Request.blank("/", method="POST", body=body)
    request.content_type = content_type
    return block.runtime.handle(block, "upload_policy", request)


def test_the_executive_attaches_the_policy_and_staff_see_it_beside_the_review(block, settings, tmp_path):
    from tests.hostile.inventory import SAMPLE_PDF
    settings.MEDIA_ROOT = str(tmp_path / "media")
    link(block)
    assert 'name="document"' not in render(block).split('data-criterion="policy"')[0]
    assert "Policy document (optional)" in render(block)
    assert upload_policy(block, "GO <41>.pdf", SAMPLE_PDF).status_code == 409  # the policy comes first
    call(block, "attest", {"criterion": "policy", "evidence": POLICY})
    response = upload_policy(block, "GO <41>.pdf", SAMPLE_PDF)
    assert response.status_code == 200
    html = response.json["html"]
    assert "Attached:" in html and "GO 41.pdf" in html and "Replace it with" in html
    staff = as_user(block, "instructor")
    rows = render(staff)
    assert "Policy document" in rows and "policy_document" in rows
    assert get(block, "policy_document").body == SAMPLE_PDF
    assert get(block, "summary").body.startswith(b"%PDF")  # the summary names the attached document
    assert "GO 41.pdf" in summary_html_of(block)


def summary_html_of(block):
    from elsx.agency import summary
    return summary.summary_html(api.readiness(api.agency_of(COURSE, "chief-1").pk))


def test_the_executives_els_certificate_is_context_beside_the_executive_criterion(block, monkeypatch, settings,
                                                                                 tmp_path):
    from django.utils import timezone

    from elsx.certificates import api as certificates
    from elsx.certificates import numbers
    from tests.hostile.conftest import FAKE_PDF, finish_course
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(certificates, "render_pdf", lambda prepared: FAKE_PDF)
    link(block)
    assert "Executive Leadership Series certificate" not in render(block)
    finish_course("chief-1", "Dana Chief", "dana@example.org", legal_name="Dana Chief", agency="Riverside",
                  role="le_executive", claimed_at=timezone.now())
    cert = certificates.issue(COURSE, "chief-1")
    html = render(block)
    assert f"certificate {numbers.display(cert.number)}" in html and "It does not meet this criterion" in html
    assert "Not entered" in html  # the criterion itself is still unmet
    assert numbers.display(cert.number) in summary_html_of(block)
    assert "context only" in summary_html_of(block)


def test_staff_record_membership_from_the_dashboard_form(block):
    link(block)
    staff = as_user(block, "instructor")
    html = render(staff)
    assert 'data-handler="membership"' in html and "Record NCMEC membership" in html
    status, body = call(staff, "membership", {"agency": Agency.objects.get().pk, "member_since": "2024-01-06",
                                              "view": {"readiness": "member"}})
    assert status == 200 and "1 agency" in body["html"] and "Member" in body["html"]


def test_only_the_executive_records_the_agency_ori(block):
    status, body = call(block, "link", {"agency": "Riverside Co. Sheriff", "kind": "law_enforcement", "state": "CA",
                                        "executive": True, "ori": "ca0330000"})
    assert status == 200 and "ORI CA0330000" in body["html"]
    deputy = as_user(block, "deputy-1")
    call(deputy, "link", {"agency": "Riverside County Sheriff", "kind": "law_enforcement", "state": "CA",
                          "ori": "CA0999999"})
    assert Agency.objects.get().ori == "CA0330000"
