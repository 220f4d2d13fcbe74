"""Sharing a certificate: the copyable verification link, LinkedIn's add-to-profile link, and the
verification page it opens (issuer, criteria, hours, agency and role, status, the signed credential)."""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import assert_accessible, skip_module_without_browser

skip_module_without_browser()

pytestmark = pytest.mark.browser

LEARNER = "sharer"
FULL_NAME = "Priya Raman"
AGENCY = "Harbor City Police Department"


def test_share_link_copies_and_opens_the_verification_page(context, page, server):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(server.scenario("elsx_certificate.0", LEARNER))
    form = page.locator("form.elsx-claim")
    form.wait_for()
    form.get_by_label("Agency").fill(AGENCY)
    form.get_by_label("Role").select_option("psap")
    form.get_by_role("button", name="Confirm and get my certificate").click()
    page.locator('[data-region="issued"]').wait_for()

    share = page.locator('[data-region="share"]')
    field = share.get_by_label("Verification link to share")
    url = field.input_value()
    assert re.fullmatch(re.escape(server.url("/elsx/v/")) + r"[0-9A-Z]{20}", url), url
    assert field.get_attribute("readonly") is not None
    share.get_by_role("button", name="Copy link").click()
    share.get_by_text("Link copied.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == url

    linkedin = share.get_by_role("link", name="Add to LinkedIn profile")
    query = parse_qs(urlsplit(linkedin.get_attribute("href")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"] and query["certUrl"] == [url]
    assert linkedin.get_attribute("target") == "_blank"
    assert_accessible(page, "certificate issued, with share links")

    verify = context.new_page()
    verify.goto(url)
    assert verify.locator("h1").inner_text() == "Certificate verification"
    assert verify.get_by_role("status").get_by_text("Valid").is_visible()
    for text in ("Executive Leadership Series Training Program", FULL_NAME, AGENCY,
                 "PSAP / emergency communications", "11.0", "pass each knowledge check"):
        assert verify.get_by_text(text, exact=False).first.is_visible(), text
    assert "priya.raman@example.org" not in verify.content()
    assert_accessible(verify, "verification page from the share link", workbench=False)

    href = verify.get_by_role("link", name="Signed Open Badges credential").get_attribute("href")
    response = verify.request.get(server.url(href))
    assert response.status == 200 and response.headers["content-type"] == "application/vc+ld+json"
    credential = json.loads(response.body())
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == FULL_NAME
