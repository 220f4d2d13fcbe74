"""The verifier's journey: someone holding a certificate number (an HR office, a POST commission) checks it.

At 1280×800 and 390×844: the lookup form, a number typed the ways people type
it, a valid certificate and its signed Open Badges credential, a revoked one, a
superseded one and the certificate that replaced it, an unknown number, and
malformed numbers explained at the field. axe-core's WCAG 2.1 A/AA rules run on
every state, and every state is checked for horizontal overflow and for names
and numbers broken inside a word.

The server is this module's own, seeded by tests/e2e/seed_verify.py, so the
certificates' states are known and the verification rate limit (30 a minute per
address) counts only these requests.
"""
import json

import pytest

from tests.e2e.conftest import HERE, assert_accessible, own_server, skip_module_without_browser

skip_module_without_browser()

pytestmark = pytest.mark.browser

SIZES = [pytest.param({"width": 1280, "height": 800}, id="1280x800"),
         pytest.param({"width": 390, "height": 844}, id="390x844")]
CORRECTED_NAME = "Jon Smith"  # seed_verify.CORRECTED_NAME


@pytest.fixture(scope="module")
def verify_server(tmp_path_factory):
    with own_server(tmp_path_factory, "elsx-verify", [str(HERE / "seed_verify.py")]) as running:
        running.numbers = json.loads((running.folder / "numbers.json").read_text(encoding="utf-8"))
        yield running


@pytest.fixture
def verifier(browser, request):
    """A fresh English browser at the size the test is parametrized with."""
    context = browser.new_context(viewport=request.param, locale="en-US", accept_downloads=True)
    context.set_default_timeout(15000)
    try:
        yield context.new_page()
    finally:
        context.close()


def display(canonical):
    return "-".join(canonical[i:i + 4] for i in range(0, 20, 4))


# Words (split at spaces and hyphens, where a break is fine) whose letters the browser put on more than
# one line, inside the elements matched; and the elements of class number that take more than one line.
LAYOUT_PROBLEMS = """(selector) => {
    const broken = [];
    document.querySelectorAll(selector).forEach((element) => {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const re = /[^\\s\\-\\u2010\\u2011]+/g;
            let match;
            while ((match = re.exec(node.data))) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                                     .map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(`${match[0]} (${tops.size} lines)`);
            }
        }
    });
    const multiline = Array.from(document.querySelectorAll('.number')).filter((el) => {
        const lines = new Set(Array.from(el.getClientRects()).map(r => Math.round(r.top)));
        const height = el.getBoundingClientRect().height;
        return lines.size > 1 || height > 1.5 * parseFloat(getComputedStyle(el).lineHeight);
    }).map(el => el.textContent.trim());
    return {broken, multiline, scrollWidth: document.scrollingElement.scrollWidth, innerWidth: innerWidth};
}"""


def check_state(page, state):
    """axe on the page as it is, no horizontal scrolling, nothing broken letter by letter."""
    assert_accessible(page, state, workbench=False)
    layout = page.evaluate(LAYOUT_PROBLEMS, "h1, .status, dd, a, .field-error, label")
    assert layout["scrollWidth"] <= layout["innerWidth"], f"{state}: the page scrolls sideways: {layout}"
    assert layout["broken"] == [], f"{state}: words broken across lines: {layout['broken']}"
    assert layout["multiline"] == [], f"{state}: certificate numbers broken across lines: {layout['multiline']}"


def look_up(page, typed):
    """Type a number into the lookup form and press Verify, as a person would."""
    field = page.get_by_label("Certificate number")
    field.fill(typed)
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()


def record(page, term):
    """The value shown for term on a certificate's verification page."""
    return page.locator(f"xpath=//dt[normalize-space()='{term}']/following-sibling::dd[1]").inner_text().strip()


def verify_another(page):
    with page.expect_navigation():
        page.get_by_role("link", name="Verify another certificate").click()
    assert page.locator("h1").inner_text() == "Verify a certificate"


@pytest.mark.parametrize("verifier", SIZES, indirect=True)
def test_a_valid_number_typed_as_people_type_it_and_its_signed_credential(verifier, verify_server):
    page, number = verifier, verify_server.numbers["valid"]
    page.goto(verify_server.url("/elsx/verify/"))
    assert page.locator("h1").inner_text() == "Verify a certificate"
    field = page.get_by_label("Certificate number")
    assert field.get_attribute("aria-invalid") is None
    check_state(page, "the lookup form")

    grouped = display(number)
    # Lower case in groups with spaces; dashes with spaces round them; O and l for 0 and 1 (Crockford's
    # aliases), one run of twenty, with spaces at the ends.
    typed_forms = [" ".join(grouped.lower().split("-")),
                   " - ".join(grouped.split("-")),
                   "  " + number.replace("0", "O").replace("1", "l").lower() + " "]
    for typed in typed_forms:
        look_up(page, typed)
        assert page.url == verify_server.url(f"/elsx/verify/{grouped}"), (typed, page.url)
        status = page.get_by_role("status")
        assert status.inner_text().strip().startswith("✓ Valid:"), (typed, status.inner_text())
        assert record(page, "Certificate number") == grouped
        assert record(page, "Name") == "Dana Whitfield"
        assert record(page, "Agency") == "Riverside County Sheriff's Office"
        if typed is typed_forms[0]:
            check_state(page, "a valid certificate")
            verify_another(page)
            check_state(page, "the lookup form, after verifying one")
        elif typed is not typed_forms[-1]:
            verify_another(page)

    machine = page.request.get(verify_server.url(
        page.get_by_role("link", name="Machine-readable record (JSON)").get_attribute("href")))
    assert machine.status == 200 and json.loads(machine.body())["status"] == "valid"
    # The signed credential opens in the browser, to read or save, as the file a verifier's tool takes.
    credential_link = page.get_by_role("link", name="Signed Open Badges credential")
    assert credential_link.get_attribute("type") == "application/vc+ld+json"
    with page.expect_navigation() as opened:
        credential_link.click()
    response = opened.value
    assert response.status == 200 and response.headers["content-type"] == "application/vc+ld+json"
    assert page.url == verify_server.url(f"/elsx/verify/{grouped}.vc.json")
    credential = json.loads(response.body())
    assert "OpenBadgeCredential" in credential["type"] and credential["id"] == page.url
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Dana Whitfield"
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert json.loads(page.locator("body").inner_text()) == credential  # shown whole, as served


@pytest.mark.parametrize("verifier", SIZES, indirect=True)
def test_a_revoked_and_a_superseded_certificate_say_so_and_point_to_the_replacement(verifier, verify_server):
    page, numbers = verifier, verify_server.numbers
    page.goto(verify_server.url("/elsx/verify/"))
    look_up(page, numbers["revoked"].lower())
    status = page.get_by_role("status").inner_text().strip()
    assert status.startswith("✕ Revoked on ") and "no longer valid" in status and "Valid:" not in status, status
    assert record(page, "Certificate number") == display(numbers["revoked"])
    assert page.get_by_role("link", name="Verify another certificate").is_visible()
    check_state(page, "a revoked certificate")

    verify_another(page)
    look_up(page, display(numbers["superseded"]))
    status = page.get_by_role("status").inner_text().strip()
    assert status.startswith("↻ Superseded:") and "replaced by a corrected one" in status, status
    assert record(page, "Name") == "Jon Smyth"
    successor = page.get_by_role("link", name=display(numbers["successor"]), exact=True)
    assert successor.is_visible()
    check_state(page, "a superseded certificate")
    with page.expect_navigation():
        successor.click()
    assert page.get_by_role("status").inner_text().strip().startswith("✓ Valid:")
    assert record(page, "Certificate number") == display(numbers["successor"])
    assert record(page, "Name") == CORRECTED_NAME
    check_state(page, "the certificate that replaced it")


@pytest.mark.parametrize("verifier", SIZES, indirect=True)
def test_an_unknown_number_and_malformed_numbers_are_told_apart(verifier, verify_server):
    page = verifier
    page.goto(verify_server.url("/elsx/verify/"))
    unknown = "0000-0000-0000-0000-0000"  # well formed (its check character is right), never issued
    look_up(page, unknown)
    assert page.locator("h1").inner_text() == "Certificate not found"
    alert = page.get_by_role("alert")
    assert alert.count() == 1 and "could not find a certificate" in alert.inner_text()
    assert page.get_by_label("Certificate number").input_value() == unknown
    assert page.get_by_label("Certificate number").get_attribute("aria-invalid") is None
    check_state(page, "an unknown number")

    valid = verify_server.numbers["valid"]
    wrong = "X" if valid[7] != "X" else "Y"
    malformed = [
        (display(valid)[:9], "has 20 letters and digits; this one has 8."),
        (display(valid)[:-1] + "U", "never U; this one has “U”."),
        (valid[:7] + wrong + valid[8:], "One character is mistyped, or two side by side are swapped"),
    ]
    for typed, expected in malformed:
        look_up(page, typed)
        field = page.get_by_label("Certificate number")
        error = page.locator("#elsx-verify-error")
        assert page.locator("h1").inner_text() == "Check the certificate number"
        assert page.title().startswith("Error: ")
        assert expected in error.inner_text(), (typed, error.inner_text())
        assert error.get_attribute("role") == "alert" and page.get_by_role("alert").count() == 1
        # At the field: announced with it, marked invalid, focused to retype, and right above it.
        assert field.get_attribute("aria-invalid") == "true"
        assert "elsx-verify-error" in field.get_attribute("aria-describedby").split()
        assert field.input_value() == typed
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'elsx-verify-number'")
        error_box, field_box = error.bounding_box(), field.bounding_box()
        assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) <= 16, (error_box, field_box)
        assert page.locator("dl").count() == 0  # no certificate shown
        check_state(page, f"a malformed number ({expected})")

    # Corrected, the same field finds the certificate.
    look_up(page, valid)
    assert page.get_by_role("status").inner_text().strip().startswith("✓ Valid:")


@pytest.mark.parametrize("verifier", SIZES, indirect=True)
def test_a_long_name_and_agency_wrap_by_word(verifier, verify_server):
    page, number = verifier, verify_server.numbers["long_name"]
    page.goto(verify_server.url(f"/elsx/v/{number}"))  # the short link printed as a QR code
    assert record(page, "Name").startswith("Maximiliana Alexandrova-Konstantinopoulou")
    assert record(page, "Agency").startswith("Consolidated Metropolitan Emergency Communications")
    check_state(page, "a certificate with a long name and agency")
