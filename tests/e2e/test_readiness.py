"""Agency readiness in the browser: an executive names their agency, attests and downloads the summary;
staff filter agencies, return an attestation with a comment and download the CSV. axe on every state,
at 1280×800 and 390×844."""
import csv

import pytest

from tests.e2e.conftest import assert_accessible, skip_module_without_browser, unlabelled_fields

skip_module_without_browser()

pytestmark = pytest.mark.browser

SCENARIO = "elsx_readiness.0"
SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


def wait_text(locator, text, tries=150):
    for _ in range(tries):
        if text in locator.inner_text():
            return
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{text!r} never appeared in {locator.inner_text()[:300]!r}")


@pytest.mark.parametrize("size", SIZES, ids=["1280", "390"])
def test_an_executive_names_the_agency_attests_and_downloads_the_summary(context, page, server, size, tmp_path):
    student = f"exec-e2e-{size['width']}"
    page.set_viewport_size(size)
    page.goto(server.scenario(SCENARIO, student))
    root = page.locator(".elsx-readiness")
    assert "Name your agency" in root.inner_text()
    assert unlabelled_fields(page, ".elsx-readiness") == []
    assert_accessible(page, f"readiness, no agency yet ({size['width']})")

    root.get_by_label("Agency", exact=True).fill(f"Lakeshore {size['width']} Police Department")
    root.get_by_label("State").fill("MI")
    root.get_by_label("I lead this agency (chief, sheriff, director or manager)").check()
    root.get_by_role("button", name="Save my agency").click()
    wait_text(root, "1. Executive training")
    assert_accessible(page, f"readiness, executive forms ({size['width']})")

    form = root.locator('form[data-criterion="executive"]')
    form.get_by_label("Training").select_option("mkrp_online")
    form.get_by_label("Completed on").fill("2025-04-01")
    form.get_by_role("button", name="Save").click()
    wait_text(root, "Awaiting review")
    assert "In progress" in root.inner_text()
    assert_accessible(page, f"readiness, one criterion attested ({size['width']})")

    # A date in the future is refused beside the forms, and nothing changes.
    policy = root.locator('form[data-criterion="policy"]')
    policy.get_by_label("Policy name").fill("GO 12 Missing Children")
    policy.get_by_label("Adopted on").fill("2099-01-01")
    policy.get_by_label("Quality-assurance review").fill("A supervisor reviews every missing-child report.")
    policy.get_by_role("button", name="Save").click()
    error = root.locator('[data-region="error"]')
    error.wait_for(state="visible")
    assert "Adopted on must be between" in error.inner_text()

    with page.expect_download() as download:
        root.get_by_role("link", name="Download the application summary (PDF)").click()
    path = tmp_path / "summary.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def test_staff_filter_return_an_attestation_and_export(context, page, server, tmp_path):
    page.set_viewport_size(SIZES[0])
    page.goto(server.scenario(SCENARIO, "instructor"))
    root = page.locator(".elsx-readiness")
    rows = root.locator('[data-region="rows"]')
    assert "Riverside County Sheriff's Office" in rows.inner_text()
    assert "Renewals due within 90 days" in root.inner_text()
    assert_accessible(page, "staff agency view")

    root.get_by_label("Readiness", exact=True).select_option("ready_to_apply")
    root.get_by_role("button", name="Apply").click()
    wait_text(rows, "1 agency")
    assert "Riverside County Sheriff's Office" in rows.inner_text()
    assert "Tri-County 911 Communications" not in rows.inner_text()

    root.get_by_label("Readiness", exact=True).select_option("")
    root.get_by_role("button", name="Apply").click()
    wait_text(rows, "Tri-County 911 Communications")
    review = rows.locator('form.elsx-review[data-criterion="policy"]').first
    review.get_by_label("Comment").fill("Attach the quality-assurance clause.")
    review.get_by_role("button", name="Return").click()
    wait_text(rows, "Returned")
    assert_accessible(page, "staff agency view after a return")

    with page.expect_download() as download:
        root.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "agencies.csv"
    download.value.save_as(path)
    table = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert table[0][:5] == ["Agency", "Type", "State", "ORI", "Readiness"]
    assert any(row[0] == "Tri-County 911 Communications" and "Returned" in row for row in table[1:])


def test_an_executive_attaches_the_policy_document_and_downloads_it(context, page, server, tmp_path):
    page.set_viewport_size(SIZES[0])
    page.goto(server.scenario(SCENARIO, "exec-e2e-upload"))
    root = page.locator(".elsx-readiness")
    root.get_by_label("Agency", exact=True).fill("Upload Test Police Department")
    root.get_by_label("State").fill("MI")
    root.get_by_label("I lead this agency (chief, sheriff, director or manager)").check()
    root.get_by_role("button", name="Save my agency").click()
    wait_text(root, "2. Policy")
    policy = root.locator('form[data-criterion="policy"]')
    policy.get_by_label("Policy name").fill("GO 12 Missing Children")
    policy.get_by_label("Adopted on").fill("2025-01-15")
    policy.get_by_label("Quality-assurance review").fill("A supervisor reviews every missing-child report.")
    policy.get_by_role("button", name="Save").click()
    wait_text(root, "Awaiting review")

    # A file that is not a PDF, named .pdf, is refused beside the form.
    fake = tmp_path / "policy.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    upload = root.locator('form[data-handler="upload_policy"]')
    upload.get_by_label("Attach the policy").set_input_files(str(fake))
    upload.get_by_role("button", name="Upload").click()
    error = root.locator('[data-region="error"]')
    error.wait_for(state="visible")
    assert "PDF or a Word (.docx)" in error.inner_text()

    real = tmp_path / "GO 12.pdf"
    real.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    root.locator('form[data-handler="upload_policy"]').get_by_label("Attach the policy").set_input_files(str(real))
    root.locator('form[data-handler="upload_policy"]').get_by_role("button", name="Upload").click()
    wait_text(root, "Attached:")
    assert unlabelled_fields(page, ".elsx-readiness") == []
    assert_accessible(page, "readiness, policy document attached")
    with page.expect_download() as download:
        root.get_by_role("link", name="GO 12.pdf").click()
    assert download.value.suggested_filename == "GO 12.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == real.read_bytes()
