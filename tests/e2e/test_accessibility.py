"""WCAG 2.1 AA hand checks, encoded: unique ids with many blocks on a page, visible focus on every
control reached with Tab, labelled fields, status in words, and elsx's own public pages under axe.

The scenarios in test_learner.py and test_instructor.py run axe on each state
they reach (before and after answering, the claim form, errors shown, the
dashboard filtered, the drill-down open); this module covers the rest.
"""
import re

import pytest

from tests.e2e.conftest import assert_accessible, skip_module_without_browser, unlabelled_fields

skip_module_without_browser()

pytestmark = pytest.mark.browser

BADGES = {"Complete", "In progress", "Not started"}

def id_problems(page):
    """Duplicate ids, and label/ARIA references that point at nothing or at a duplicated id."""
    return page.evaluate("""() => {
        const counts = {};
        document.querySelectorAll('[id]').forEach(el => { counts[el.id] = (counts[el.id] || 0) + 1; });
        const problems = Object.entries(counts).filter(([, n]) => n > 1).map(([id, n]) => `id ${id} used ${n} times`);
        document.querySelectorAll('label[for]').forEach(label => {
            if (counts[label.htmlFor] !== 1) problems.push(`label for=${label.htmlFor} matches ${counts[label.htmlFor] || 0}`);
        });
        ['aria-labelledby', 'aria-describedby', 'aria-controls', 'list'].forEach(attr => {
            document.querySelectorAll(`[${attr}]`).forEach(el => {
                el.getAttribute(attr).split(/\\s+/).filter(Boolean).forEach(ref => {
                    if (counts[ref] !== 1) problems.push(`${attr}=${ref} matches ${counts[ref] || 0}`);
                });
            });
        });
        return problems;
    }""")


def test_several_topic_blocks_on_one_page_keep_ids_unique(page, server):
    page.goto(server.scenario("elsx_topic.0", "partway"))
    page.locator(".elsx-topic").nth(9).wait_for()
    assert page.locator(".elsx-topic").count() == 10
    assert page.locator(".elsx-progress").count() == 1 and page.locator(".elsx-certificate").count() == 1
    assert id_problems(page) == []
    # Radio groups are per block: a name shared between two topics would merge their questions.
    owners = page.evaluate("""() => {
        const owners = {};
        document.querySelectorAll('.elsx-topic input[type=radio]').forEach(input => {
            const topic = input.closest('.elsx-topic').id;
            (owners[input.name] = owners[input.name] || new Set()).add(topic);
        });
        return Object.entries(owners).filter(([, set]) => set.size > 1).map(([name]) => name);
    }""")
    assert owners == [], f"radio names shared between topic blocks: {owners}"
    assert unlabelled_fields(page) == []
    # Status in words (and a symbol), never colour alone.
    badges = page.locator(".elsx-progress .elsx-badge").all_inner_texts()
    assert len(badges) == 10
    assert {text.split(" ", 1)[1].strip() for text in badges} <= BADGES, badges
    assert badges[:3] == ["✓ Complete"] * 3, badges
    topic_badges = page.locator(".elsx-topic .elsx-topic__status").all_inner_texts()
    assert len(topic_badges) == 10 and all(text.strip().split(" ", 1)[1] in BADGES for text in topic_badges)
    checklist_words = page.locator(".elsx-topic").first.locator(".elsx-checklist li").all_text_contents()
    assert all(text.strip().endswith(("— done", "— not done")) for text in checklist_words), checklist_words
    assert_accessible(page, "the whole course: progress, certificate and ten topics on one page")


def walk_focus(page, stops, inside=".elsx"):
    """Press Tab `stops` times; return what got focus inside elsx blocks and any without a visible indicator."""
    seen, missing = [], []
    for _ in range(stops):
        page.keyboard.press("Tab")
        info = page.evaluate("""(inside) => {
            const el = document.activeElement;
            if (!el || !el.closest(inside)) return null;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && (parseFloat(s.outlineWidth) || 0) >= 2;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            return {tag: el.tagName.toLowerCase(), type: el.type || '', text: (el.innerText || el.name || '').trim().slice(0, 60),
                    visible: outline || shadow, style: `${s.outlineStyle} ${s.outlineWidth} ${s.boxShadow}`};
        }""", inside)
        if info is None:
            continue
        seen.append(info)
        if not info["visible"]:
            missing.append(info)
    return seen, missing


def test_every_control_on_a_topic_shows_where_the_focus_is(page, server):
    page.goto(server.scenario("elsx_topic.2", "focus-walker"))
    page.locator(".elsx-topic").wait_for()
    seen, missing = walk_focus(page, 60)
    kinds = {(item["tag"], item["type"]) for item in seen}
    for kind in [("summary", ""), ("input", "radio"), ("button", "submit"), ("textarea", "textarea"), ("a", "")]:
        assert kind in kinds, f"Tab never reached a {kind} in the topic: {sorted(kinds)}"
    assert missing == [], f"controls with no visible focus indicator: {missing}"


def test_every_control_on_the_dashboard_shows_where_the_focus_is(page, server):
    page.goto(server.scenario("elsx_cohort.0", "instructor"))
    page.locator(".elsx-cohort").wait_for()
    seen, missing = walk_focus(page, 70)
    kinds = {(item["tag"], item["type"]) for item in seen}
    for kind in [("select", "select-one"), ("input", "search"), ("button", "button"), ("button", "reset"),
                 ("div", "")]:  # the scrollable grid region takes focus so keyboard users can scroll it
        assert kind in kinds, f"Tab never reached a {kind} on the dashboard: {sorted(kinds)}"
    assert missing == [], f"controls with no visible focus indicator: {missing}"


def test_certificate_claim_form_fields_are_labelled_and_show_focus(page, server):
    page.goto(server.scenario("elsx_certificate.0", "graduate"))
    form = page.locator("form.elsx-claim")
    form.wait_for()
    assert form.locator("input, select").count() == 5
    assert unlabelled_fields(page) == []
    for label in ["Legal name", "Agency", "Role", "ID number (POST ID, PID or similar)", "Issuing state"]:
        assert form.get_by_label(label, exact=True).count() == 1, label
    assert form.locator("fieldset legend").inner_text().strip() == "State training ID (optional)"
    seen, missing = walk_focus(page, 12)
    assert len(seen) >= 6 and missing == [], (seen, missing)


def test_verification_lookup_and_unknown_number_pages(page, server):
    page.goto(server.url("/elsx/verify/"))
    assert unlabelled_fields(page) == []
    assert page.get_by_label("Certificate number").count() == 1
    assert_accessible(page, "verification lookup form", workbench=False)
    page.get_by_label("Certificate number").fill("0000-0000-0000-0000-0000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert alert.count() == 1 and alert.inner_text().strip(), "an unknown number is not announced"
    assert page.get_by_label("Certificate number").input_value() == "0000-0000-0000-0000-0000"
    assert_accessible(page, "verification page for an unknown number", workbench=False)
    page.get_by_label("Certificate number").focus()
    style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("none", ""), style


def test_reminder_preview_sent_notice_and_throttled_preview_pass_axe(page, server):
    """The nudge UI in each state: the preview with its sample message, the sent notice, a second preview
    that skips everyone reminded this week (at 390 px as well), and the focus coming back on Close."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.scenario("elsx_cohort.0", "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    showing = root.locator('[data-region="showing"]')
    everyone = showing.inner_text()
    root.get_by_label("Role").select_option("psap")  # a part of the cohort: applied on change
    page.wait_for_function("(before) => document.querySelector('.elsx-cohort [data-region=showing]')"
                           ".textContent.trim() !== before", arg=everyone)
    opener = root.get_by_role("button", name="Send a reminder…")
    opener.click()
    preview = root.locator('[data-region="nudge-preview"]')
    preview.get_by_role("heading", name="Reminder preview").wait_for()
    assert page.evaluate("() => document.activeElement.getAttribute('data-region')") == "nudge-preview"
    assert preview.get_by_text("Subject:").is_visible()
    send = preview.get_by_role("button", name=re.compile(r"^Send \d+ reminders?$"))
    count = int(re.search(r"\d+", send.inner_text()).group())
    assert count > 0
    assert_accessible(page, "reminder preview")

    send.click()
    notice = root.locator('[data-region="notice"]')
    notice.get_by_text(re.compile(rf"^{count} reminders? sent\.")).wait_for()
    assert root.locator('[data-region="nudge"]').is_hidden()
    assert page.evaluate("(el) => document.activeElement === el", opener.element_handle())
    assert_accessible(page, "reminders sent")
    # The demo writes each message to a file (elsx/demo/settings.py): one per learner, each named.
    mail = "".join(path.read_text(encoding="utf-8") for path in (server.folder / "mail").glob("*.log"))
    assert mail.count("\nSubject: ") == count

    page.set_viewport_size({"width": 390, "height": 844})
    opener.click()
    preview.get_by_role("heading", name="Reminder preview").wait_for()
    assert preview.get_by_text(re.compile(rf"Skipped, reminded in the last \d+ days: {count} learners?")).is_visible()
    assert preview.get_by_text("Nobody in this selection can be sent a reminder now.").is_visible()
    assert preview.get_by_role("button", name=re.compile("^Send")).count() == 0
    assert_accessible(page, "reminder preview with everyone reminded this week, at 390 px")
    preview.get_by_role("button", name="Close").click()
    assert root.locator('[data-region="nudge"]').is_hidden()
    assert page.evaluate("(el) => document.activeElement === el", opener.element_handle())
