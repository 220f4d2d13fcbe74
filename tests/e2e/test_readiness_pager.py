"""The staff agency table's pager in the browser, with two agencies a page (the demo seeds five):
rapid clicks all count, in order; focus lands on the new page's count; filters reset to page 1. axe on
every state, at 1280×800 and 390×844."""
import pytest

from tests.e2e.conftest import HERE, INSTANT_ENV, assert_accessible, own_server, skip_module_without_browser

skip_module_without_browser()

pytestmark = pytest.mark.browser

SCENARIO = "elsx_readiness.0"
SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def pager_server(tmp_path_factory):
    with own_server(tmp_path_factory, "elsx-e2e-pager", [str(HERE / "seed.py")],
                    {**INSTANT_ENV, "ELSX_DEMO_AGENCY_PAGE_SIZE": "2"}) as running:
        yield running


def where(rows):
    return rows.locator(".elsx-pager__where")


@pytest.mark.parametrize("size", SIZES, ids=["1280", "390"])
def test_pager_counts_every_click_and_keeps_the_focus(page, pager_server, size):
    from playwright.sync_api import expect  # pylint: disable=import-outside-toplevel
    page.set_viewport_size(size)
    page.goto(pager_server.scenario(SCENARIO, "instructor"))
    root = page.locator(".elsx-readiness")
    rows = root.locator('[data-region="rows"]')
    expect(where(rows)).to_have_text("Page 1 of 3")
    first_page = rows.locator("tbody th").all_inner_texts()
    assert len(first_page) == 2
    assert_accessible(page, f"staff agency table, page 1, at {size['width']} px")

    # Two presses of Next before the first answer: both count, so page 3, never page 2 twice.
    page.evaluate("""() => {
        const next = () => [...document.querySelectorAll('.elsx-readiness .elsx-pager button')]
            .find((b) => b.textContent.trim() === 'Next');
        next().click(); next().click();
    }""")
    expect(where(rows)).to_have_text("Page 3 of 3")
    last_page = rows.locator("tbody th").all_inner_texts()
    assert len(last_page) == 1 and not set(last_page) & set(first_page)

    # From the keyboard: Previous replaces the table, and the focus goes to the new page's count.
    rows.get_by_role("button", name="Previous").focus()
    page.keyboard.press("Enter")
    expect(where(rows)).to_have_text("Page 2 of 3")
    expect(rows.locator('[data-region="rows-count"]')).to_be_focused()
    middle = rows.locator("tbody th").all_inner_texts()
    assert len(middle) == 2 and not set(middle) & (set(first_page) | set(last_page))
    assert_accessible(page, f"staff agency table, page 2, at {size['width']} px")

    # A filter starts again at page 1 of what it matches.
    root.get_by_label("Type", exact=True).select_option("law_enforcement")
    root.get_by_role("button", name="Apply").click()
    expect(rows.locator('[data-region="rows-count"]')).to_contain_text("4 agencies")
    expect(where(rows)).to_have_text("Page 1 of 2")
