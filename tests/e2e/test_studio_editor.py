"""The Studio editor at 1280 px: problems beside Save, confirmation for errors, sanitizer report, undo."""
import pytest

from tests.e2e.conftest import assert_accessible, skip_module_without_browser

skip_module_without_browser()

pytestmark = pytest.mark.browser


def studio_url(server):
    from elsx.blocks.topic import TopicBlock  # pylint: disable=import-outside-toplevel
    from elsx.demo.scenarios import topic_scenarios  # pylint: disable=import-outside-toplevel
    index = len(topic_scenarios())  # the editor scenario comes last (TopicBlock.workbench_scenarios)
    assert len(TopicBlock.workbench_scenarios()) == index + 1
    return server.url(f"/scenario/elsx_topic.{index}/studio_view/?student=instructor")


def near(page, first, second, limit):
    a, b = first.bounding_box(), second.bounding_box()
    assert a and b, (a, b)
    gap = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    assert gap <= limit, f"{gap}px apart"


def test_editor_shows_what_a_save_returned_beside_the_button(page, server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(studio_url(server))
    editor = page.locator(".elsx-studio")
    editor.wait_for()
    bodies = editor.locator('[data-item="section"] textarea[data-field="body_html"]')
    texts = " ".join(bodies.nth(i).input_value() for i in range(bodies.count()))
    assert "'" in texts and "&#x27;" not in texts and "&#39;" not in texts
    options = editor.locator('[data-item="option"] [data-field="text"]')
    assert options.first.evaluate("(el) => el.tagName") == "TEXTAREA"
    assert_accessible(page, "Studio editor, as opened")
    save = editor.get_by_role("button", name="Save", exact=True)

    # The sanitizer's removals are reported.
    bodies.first.fill(bodies.first.input_value() + "<script>alert(1)</script><img src=x>")
    save.click()
    saved = editor.locator('[data-region="saved"]')
    saved.get_by_text("Saved.").wait_for()
    near(page, save, saved, 8)
    returned = editor.locator('[data-region="returned"]')
    assert returned.get_by_text("Section 1: <script>, <img>").is_visible()
    near(page, save, returned, 120)
    assert_accessible(page, "Studio editor, saved with removals reported")

    # Remove an option, then undo.
    first_option = editor.locator('[data-item="question"]').first.locator('[data-item="option"]')
    count, text = first_option.count(), first_option.first.locator('[data-field="text"]').input_value()
    first_option.first.get_by_role("button", name="Remove").click()
    assert first_option.count() == count - 1
    undo = editor.get_by_role("button", name="Undo")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Undo"
    assert editor.get_by_text("Option removed.").is_visible()
    undo.click()
    assert first_option.count() == count
    assert first_option.first.locator('[data-field="text"]').input_value() == text

    # An error-level problem waits for confirmation, shown beside Save.
    editor.locator('[data-name="hours"]').fill("5")
    save.click()
    anyway = editor.get_by_role("button", name="Save anyway")
    anyway.wait_for()
    assert "adds up to" in returned.inner_text() and "not 11.0" in returned.inner_text()
    assert saved.inner_text().strip() == ""
    near(page, save, returned, 120)
    near(page, save, anyway, 320)
    assert_accessible(page, "Studio editor, an error waiting for confirmation")
    anyway.click()
    saved.get_by_text("Saved.").wait_for()
    assert anyway.is_hidden() and "adds up to" in returned.inner_text()
    # Put the hours back, so the course adds up again.
    editor.locator('[data-name="hours"]').fill("")
    save.click()
    page.wait_for_function("() => !document.querySelector('.elsx-studio [data-region=returned]').innerText"
                           ".includes('adds up to') || document.querySelector('[data-action=save-anyway]').offsetParent")
