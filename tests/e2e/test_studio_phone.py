"""The author's journey at 390×844: the Studio editor on a phone (test_studio_editor.py walks it at 1280).

Every state (as opened, saved with removals reported, an error waiting for
confirmation, saved anyway, an option removed with Undo) is checked with axe,
for horizontal overflow, for anything running past the editor's edge or cut
off inside a box, for fields too narrow to use, and for a closed select whose
chosen option doesn't fit. What a save returned stays beside Save.

The workbench's banner (the SDK's page, workbench/templates/workbench/block.html)
is wider than a phone with this scenario's long title; in Studio the editor
renders in the platform's modal instead. It is hidden, as in screenshots,
before the page's width is measured.

The server is this module's own (only migrated): the saves here don't change
what other modules' editors show.
"""
import pytest

from tests.e2e.conftest import Screenshots, assert_accessible, own_server, skip_module_without_browser, \
    unlabelled_fields
from tests.e2e.test_studio_editor import near, studio_url

skip_module_without_browser()

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The narrowest a text field may be on a phone, as a share of the screen: the option fields, nested three
# lists deep, had 44% before the editor's lists were indented less on small screens.
MIN_FIELD_SHARE = 0.6
MIGRATE_ONLY = ["-m", "django", "migrate", "--run-syncdb", "-v", "0"]

LAYOUT = """(scope) => {
    const root = document.querySelector(scope);
    const box = root.getBoundingClientRect();
    const right = Math.min(box.right, innerWidth), left = Math.max(box.left, 0);
    const name = (el) => el.tagName.toLowerCase() + (el.dataset.field ? `[${el.dataset.field}]` : '')
        + (el.dataset.name ? `[${el.dataset.name}]` : '') + (el.dataset.region ? `{${el.dataset.region}}` : '')
        + ` "${(el.innerText || el.value || '').trim().slice(0, 30)}"`;
    const outside = [], clipped = [], narrow = [], cut = [];
    const canvas = document.createElement('canvas').getContext('2d');
    root.querySelectorAll('*').forEach((el) => {
        const r = el.getBoundingClientRect();
        if (!r.width && !r.height) return;  // hidden
        if (r.right > right + 0.5 || r.left < left - 0.5) {
            outside.push(`${name(el)} ${Math.round(r.left)}..${Math.round(r.right)}`);
        }
        const s = getComputedStyle(el);
        if (!['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) && s.overflowX !== 'visible'
            && el.scrollWidth > el.clientWidth + 1) clipped.push(name(el));
        if ((el.tagName === 'INPUT' && el.type === 'text') || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') {
            if (r.width < innerWidth * %(share)s) narrow.push(`${name(el)} ${Math.round(r.width)}px`);
        }
        if (el.tagName === 'SELECT') {
            canvas.font = s.font;
            const text = el.options[el.selectedIndex].text;
            // The room left of the drop-down arrow (about 20 px in Chromium).
            const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 20;
            if (canvas.measureText(text).width > room) cut.push(`${name(el)}: "${text}" in ${Math.round(room)}px`);
        }
    });
    return {outside, clipped, narrow, cut, scrollWidth: document.scrollingElement.scrollWidth, innerWidth};
}""".replace("%(share)s", str(MIN_FIELD_SHARE))


@pytest.fixture(scope="module")
def studio_server(tmp_path_factory):
    with own_server(tmp_path_factory, "elsx-studio-phone", MIGRATE_ONLY) as running:
        yield running


def check_state(page, state):
    assert_accessible(page, f"Studio editor at 390 px, {state}")
    layout = page.evaluate(LAYOUT, ".elsx-studio")
    assert layout["scrollWidth"] <= layout["innerWidth"], f"{state}: the page scrolls sideways: {layout}"
    assert layout["outside"] == [], f"{state}: past the editor's edge: {layout['outside']}"
    assert layout["clipped"] == [], f"{state}: text cut off inside a box: {layout['clipped']}"
    assert layout["narrow"] == [], f"{state}: fields under {MIN_FIELD_SHARE:.0%} of the screen: {layout['narrow']}"
    assert layout["cut"] == [], f"{state}: a select's chosen option doesn't fit: {layout['cut']}"


def test_the_editor_on_a_phone_fits_and_keeps_what_a_save_returned_beside_save(page, studio_server):
    page.set_viewport_size(PHONE)
    page.goto(studio_url(studio_server))
    editor = page.locator(".elsx-studio")
    editor.wait_for()
    Screenshots.hide_workbench_chrome(page)
    assert unlabelled_fields(page, ".elsx-studio") == []
    check_state(page, "as opened")
    save = editor.get_by_role("button", name="Save", exact=True)
    saved = editor.locator('[data-region="saved"]')
    returned = editor.locator('[data-region="returned"]')
    # Nothing saved yet: no empty box beside the buttons.
    assert saved.evaluate("(el) => getComputedStyle(el).borderTopColor") == "rgba(0, 0, 0, 0)"

    # Fields take typing and a choice, as on a desktop.
    title = editor.get_by_label("Title", exact=True)
    title.fill("Media Relations on a phone")
    assert title.input_value() == "Media Relations on a phone"
    week = editor.locator('[data-name="week"]')
    assert week.evaluate("(el) => el.options[el.selectedIndex].text").endswith("(from the outline)")

    # The sanitizer's removals, reported beside Save.
    body = editor.locator('[data-item="section"] textarea[data-field="body_html"]').first
    body.fill(body.input_value() + "<script>alert(1)</script><img src=x>")
    save.click()
    saved.get_by_text("Saved.").wait_for()
    near(page, save, saved, 60)
    assert returned.get_by_text("Section 1: <script>, <img>").is_visible()
    near(page, save, returned, 120)
    check_state(page, "saved, with removals reported")

    # An error-level problem waits for confirmation; the whole message shows, within the editor.
    editor.locator('[data-name="hours"]').fill("5")
    save.click()
    anyway = editor.get_by_role("button", name="Save anyway")
    anyway.wait_for()
    assert "adds up to" in returned.inner_text() and "not 11.0" in returned.inner_text()
    near(page, save, returned, 160)
    check_state(page, "an error waiting for confirmation")
    anyway.click()
    saved.get_by_text("Saved.").wait_for()
    assert anyway.is_hidden()
    check_state(page, "saved anyway")

    # Remove an option on a phone, then undo.
    options = editor.locator('[data-item="question"]').first.locator('[data-item="option"]')
    count = options.count()
    options.first.get_by_role("button", name="Remove").click()
    assert options.count() == count - 1
    undo = editor.get_by_role("button", name="Undo")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Undo"
    check_state(page, "an option removed, Undo offered")
    undo.click()
    assert options.count() == count

    # The hours back, so the course adds up again.
    editor.locator('[data-name="hours"]').fill("")
    save.click()
    page.wait_for_function("() => !document.querySelector('.elsx-studio [data-region=returned]').innerText"
                           ".includes('adds up to')")
