"""Scenario 4: a learner whose name, agency and reflections are markup never makes a page run it.

"hostile" is seeded with every topic complete, full name and agency
`<img src=x onerror=alert(1)>` and that string in every reflection. If any page
put it into the DOM as markup, the broken image's onerror would open an alert:
every page of the browser context records dialogs, and none may fire. The text
must also show as text wherever it belongs.
"""
import io

import pytest

from tests.e2e.conftest import skip_module_without_browser
from tests.e2e.seed import HOSTILE

skip_module_without_browser()

pytestmark = pytest.mark.browser

LEARNER = "hostile"


def assert_inert(page, where):
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # a failed image load and its onerror come after load
    assert page.locator('img[src="x"]').count() == 0, f"the payload became an <img> on the {where}"
    assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0, where


def test_hostile_name_and_reflection_never_run_on_any_page(context, page, server, tmp_path):
    # The whole course: progress, certificate claim form (name prefilled), ten topics with reflections.
    page.goto(server.scenario("elsx_topic.0", LEARNER))
    page.locator(".elsx-topic").first.wait_for()
    assert_inert(page, "whole course")
    assert page.locator(".elsx-topic textarea").first.input_value().startswith(HOSTILE)
    assert page.locator(".elsx-certificate").get_by_label("Legal name").input_value() == HOSTILE

    # One topic: save a new hostile reflection through the page.
    page.goto(server.scenario("elsx_topic.1", LEARNER))
    topic = page.locator(".elsx-topic")
    topic.locator("textarea").fill(f"{HOSTILE} <script>alert(2)</script> again, long enough to be saved.")
    topic.get_by_role("button", name="Save reflection").click()
    topic.locator('[data-region="saved"]').get_by_text("Reflection saved").wait_for()
    assert_inert(page, "topic after saving")
    page.reload()
    assert topic.locator("textarea").input_value().startswith(HOSTILE)
    assert_inert(page, "topic after reload")

    # Claim the certificate with the hostile name and agency.
    page.goto(server.scenario("elsx_certificate.0", LEARNER))
    form = page.locator("form.elsx-claim")
    form.get_by_label("Role").select_option("other")
    form.get_by_label("Agency").fill(HOSTILE)
    form.get_by_role("button", name="Confirm and get my certificate").click()
    facts = page.locator(".elsx-cert-facts")
    facts.wait_for()
    assert facts.locator("dd", has_text=HOSTILE).inner_text().strip() == HOSTILE
    assert_inert(page, "issued certificate")
    number = page.locator(".elsx-cert-number").inner_text().strip()

    # The PDF prints the name as text.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download certificate (PDF)").click()
    from pypdf import PdfReader  # pylint: disable=import-outside-toplevel
    data = open(info.value.path(), "rb").read()  # pylint: disable=consider-using-with
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert HOSTILE in text.replace("\n", " "), text[:400]

    # The public verification page.
    page.goto(server.url(f"/elsx/verify/{number}"))
    assert page.locator("dd", has_text=HOSTILE).first.inner_text().strip() == HOSTILE
    assert_inert(page, "verification page")

    # The progress block on its own page (certificate scenario) once more after the claim.
    page.goto(server.scenario("elsx_topic.10", LEARNER))
    assert page.locator(".elsx-progress").get_by_text("11.0 of 11.0").is_visible()
    assert_inert(page, "topic 10 and progress")

    # The instructor sees the learner in the dashboard and opens the drill-down.
    staff = context.new_page()
    staff.goto(server.scenario("elsx_cohort.0", "instructor"))
    root = staff.locator(".elsx-cohort")
    root.get_by_label("Search by name or email").fill("hostile@")  # applied as typed, after a pause
    row_name = root.locator("tbody button[data-learner=hostile]")
    row_name.wait_for()
    assert row_name.inner_text().strip() == HOSTILE
    assert root.locator("tbody td", has_text=HOSTILE).count() == 1  # the agency
    assert_inert(staff, "dashboard")
    row_name.click()
    dialog = root.locator("dialog")
    dialog.locator(".elsx-detail__name").wait_for()
    assert dialog.locator(".elsx-detail__name").inner_text().strip() == HOSTILE
    assert dialog.locator("blockquote", has_text=HOSTILE).count() == 10
    assert dialog.locator("blockquote", has_text="<script>alert(2)</script>").count() == 1
    assert_inert(staff, "drill-down")

    assert context.dialogs == [], f"dialogs fired: {context.dialogs}"


def test_the_payload_would_be_caught_if_a_page_rendered_it(context, page, server):
    """The control: the same string put in as markup does fire a dialog, and the watch records it."""
    page.goto(server.scenario("elsx_topic.1", "control"))
    page.locator(".elsx-topic").wait_for()
    page.evaluate("(html) => { document.querySelector('.elsx-topic__summary').innerHTML = html; }", HOSTILE)
    for _ in range(50):
        if context.dialogs:
            break
        page.wait_for_timeout(100)
    assert [(kind, message) for _url, kind, message in context.dialogs] == [("alert", "1")]
