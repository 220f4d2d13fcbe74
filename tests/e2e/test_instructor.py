"""Scenarios 2 and 3: the instructor's cohort dashboard, and a learner who is not staff.

The cohort is seeded with 120 learners (tests/e2e/seed.py), so the "behind"
filter fills more than one page of 25.
"""
import csv
import re
from datetime import datetime

import pytest

from tests.e2e.conftest import (assert_accessible, assert_visible_focus, focused, skip_module_without_browser,
                                tab_to, unlabelled_fields)

skip_module_without_browser()

pytestmark = pytest.mark.browser

DASHBOARD = "elsx_cohort.0"
SHOWING = re.compile(r"Showing (\d+)–(\d+) of (\d+) learners\.")
ROSTER_HEAD = ["Name", "Email", "Agency", "Role", "Status", "Inactive 7+ days", "Topics completed", "Hours earned",
               "Schedule week", "First activity", "Last activity", "Completed", "Certificate number",
               "Certificate status"]


def showing(page):
    text = page.locator('.elsx-cohort [data-region="showing"]').inner_text()
    match = SHOWING.search(text)
    assert match, f"no 'Showing a–b of n learners.' in {text!r}"
    return tuple(int(part) for part in match.groups())


def wait_showing(page, first, last=None, total=None):
    def matches():
        got = showing(page)
        return got[0] == first and (last is None or got[1] == last) and (total is None or got[2] == total)
    for _ in range(100):
        if matches():
            return showing(page)
        page.wait_for_timeout(100)
    raise AssertionError(f"the grid never showed {first}–{last} of {total}: {showing(page)}")


def grid(page):
    return page.locator('.elsx-cohort [data-region="grid"] table')


def sort_header(page, key):
    return grid(page).locator("thead th", has=page.locator(f'button[data-sort="{key}"]'))


def assert_table_headers(page, table):
    """Every header cell says what it heads (scope), and exactly the sorted column carries aria-sort."""
    scopes = table.locator("th").evaluate_all("(cells) => cells.map(c => c.getAttribute('scope'))")
    assert scopes and all(scope in ("col", "row") for scope in scopes), scopes


def test_instructor_filters_sorts_pages_drills_down_and_exports(context, page, server, screenshots):
    page.goto(server.scenario(DASHBOARD, "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    first, last, everyone = showing(page)
    assert (first, last) == (1, 25) and everyone >= 120, (first, last, everyone)
    assert_accessible(page, "dashboard, as loaded")
    assert unlabelled_fields(page) == []
    for table in root.locator("table").all():
        assert_table_headers(page, table)
    sorted_now = grid(page).locator("th[aria-sort]")
    assert sorted_now.count() == 1 and sorted_now.get_attribute("aria-sort") == "ascending"
    assert sorted_now.locator('button[data-sort="name"]').count() == 1
    # Status is written out, not only coloured: every learner's status cell has words in it.
    statuses = grid(page).locator("tbody tr td.elsx-grid__status").all_inner_texts()
    assert statuses and all(re.search(r"On track|Behind|Completed|Certified", text) for text in statuses), statuses
    cells = grid(page).locator("td.elsx-cell .elsx-sr-only").all_inner_texts()
    assert cells and all(text.strip() for text in cells)
    screenshots.viewport(page, "dashboard.png")

    # --- filter to behind ------------------------------------------------------------
    root.get_by_label("Status").select_option("behind")  # applied on change: there is no Apply button
    page.wait_for_function("() => !document.querySelector('.elsx-cohort').hasAttribute('aria-busy')")
    for _ in range(100):
        if showing(page)[2] != everyone:
            break
        page.wait_for_timeout(100)
    _first, _last, behind = showing(page)
    assert behind > 25, f"the seeded cohort has {behind} behind: too few to page (tests/e2e/seed.py)"
    assert behind < everyone
    statuses = grid(page).locator("tbody tr td.elsx-grid__status").all_inner_texts()
    assert len(statuses) == 25 and all("Behind" in text for text in statuses), statuses
    # The Behind filter sorts by most weeks behind, then the oldest activity.
    assert sort_header(page, "behind").get_attribute("aria-sort") == "descending"
    weeks = [int(text.split()[0]) for text in grid(page).locator("tbody .elsx-grid__behind").all_inner_texts()]
    assert len(weeks) == 25 and weeks == sorted(weeks, reverse=True), weeks
    assert_accessible(page, "dashboard, filtered to behind")

    # --- sort by last activity, with the keyboard -------------------------------------
    button = grid(page).locator('button[data-sort="last_activity"]')
    tab_to(page, button)
    assert_visible_focus(page, "the Last activity sort button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const th = document.querySelector("
                           "'.elsx-cohort th:has(button[data-sort=last_activity])');"
                           " return th && th.getAttribute('aria-sort') === 'ascending'; }")
    assert grid(page).locator("th[aria-sort]").count() == 1
    assert focused(page)["tag"] == "button", "focus was lost after sorting"
    assert_visible_focus(page, "the sort button after the table re-rendered")
    assert showing(page) == (1, 25, behind)
    first_page_times = grid(page).locator("tbody time").evaluate_all("(ts) => ts.map(t => t.getAttribute('datetime'))")
    stamps = [datetime.fromisoformat(value) for value in first_page_times]
    assert stamps == sorted(stamps) and len(stamps) >= 2, first_page_times

    # --- page forward -----------------------------------------------------------------------
    root.locator('[data-region="pager"]').get_by_role("button", name="Next").click()
    second_last = min(50, behind)
    wait_showing(page, 26, second_last, behind)
    assert grid(page).locator("tbody tr").count() == second_last - 25
    assert sort_header(page, "last_activity").get_attribute("aria-sort") == "ascending"
    later = [datetime.fromisoformat(value) for value in
             grid(page).locator("tbody time").evaluate_all("(ts) => ts.map(t => t.getAttribute('datetime'))")]
    assert later and min(later) >= max(stamps), "page 2 does not continue page 1's order"
    assert root.locator('[data-region="pager"]').get_by_text(
        f"Page 2 of {-(-behind // 25)}").is_visible()

    # --- open a learner's drill-down ----------------------------------------------------
    name_button = grid(page).locator("tbody tr").first.locator("button[data-learner]")
    name = name_button.inner_text().strip()
    name_button.click()
    dialog = root.locator("dialog")
    dialog.get_by_role("heading", name="Learner details").wait_for()
    assert dialog.evaluate("(el) => el.open")
    assert dialog.locator(".elsx-detail__name").inner_text().strip() == name
    assert dialog.get_by_text("Behind").first.is_visible()
    assert focused(page)["text"] == "Close", focused(page)
    for table in dialog.locator("table").all():
        assert_table_headers(page, table)
    assert_accessible(page, "dashboard, learner drill-down open")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.elsx-cohort dialog').open")
    assert page.evaluate("(el) => document.activeElement === el", name_button.element_handle()), \
        "focus did not return to the learner's name after closing the drill-down"

    assert context.dialogs == []


def filter_to_behind(page, server):
    page.goto(server.scenario(DASHBOARD, "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    everyone = showing(page)[2]
    root.get_by_label("Status").select_option("behind")  # applied on change: there is no Apply button
    for _ in range(100):
        if showing(page)[2] != everyone:
            break
        page.wait_for_timeout(100)
    return root, showing(page)[2]


def test_instructor_exports_the_filtered_roster_csv(context, page, server):
    root, behind = filter_to_behind(page, server)
    assert behind > 25
    # Filters are never accepted in a download URL (they could hold a searched email); the button's
    # link carries an opaque token instead.
    usage = page.locator("[data-block-type=elsx_cohort]").get_attribute("data-usage")
    direct = page.request.get(server.url(f"/handler/{usage}/download/?student=instructor&status=behind&kind=roster"))
    assert direct.status == 400, f"{direct.status}: {direct.text()[:200]}"
    root.locator('button[data-sort="last_activity"]').click()
    page.wait_for_function("() => document.querySelector('.elsx-cohort th[aria-sort]')"
                           ".querySelector('[data-sort=\"last_activity\"]')")
    with page.expect_download(timeout=5000) as info:
        root.get_by_role("button", name="Download roster (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, records = rows[0], rows[1:]
    assert header[:len(ROSTER_HEAD)] == ROSTER_HEAD, header
    assert len([column for column in header if column.startswith("Topic ")]) == 10, header
    # The whole filtered cohort, every page of it, one row per learner.
    assert len(records) == behind, f"CSV has {len(records)} rows, the page says {behind}"
    status_column = header.index("Status")
    assert {record[status_column] for record in records} == {"Behind"}
    assert all(len(record) == len(header) for record in records)
    assert context.dialogs == []


def test_non_staff_learner_sees_no_dashboard_data_and_handlers_answer_403(page, server):
    page.goto(server.scenario(DASHBOARD, "partway"))
    block = page.locator("[data-block-type=elsx_cohort]")
    block.wait_for()
    assert block.get_by_text("This dashboard is for course staff.").is_visible()
    assert block.locator(".elsx-cohort, table, form, [data-learner]").count() == 0
    html = block.inner_html()
    assert "seed-" not in html and "@example.org" not in html and "Behind" not in html
    assert_accessible(page, "dashboard as a learner")

    usage = block.get_attribute("data-usage")

    def call(handler, body, student):
        return page.evaluate("""async ([url, body]) => {
            const token = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || '';
            const r = await fetch(url, {method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}, body: JSON.stringify(body)});
            return {status: r.status, text: await r.text()};
        }""", [f"/handler/{usage}/{handler}/?student={student}", body])

    for handler, body in [("grid", {}), ("refresh", {}), ("learner", {"learner_id": "seed-00001"}), ("emails", {}),
                          ("agencies", {}), ("export", {"kind": "roster"})]:
        refused = call(handler, body, "partway")
        assert refused["status"] == 403, (handler, refused)
        assert "course staff" in refused["text"], (handler, refused)
        assert "seed-" not in refused["text"] and "@example.org" not in refused["text"], (handler, refused)
        assert len(refused["text"]) < 300, (handler, refused)
        # The same request as staff succeeds: the 403 is about who asks, not a broken URL.
        allowed = call(handler, body, "instructor")
        assert allowed["status"] == 200, (handler, allowed)


def test_non_staff_learner_cannot_download_the_roster(page, server):
    page.goto(server.scenario(DASHBOARD, "partway"))
    usage = page.locator("[data-block-type=elsx_cohort]").get_attribute("data-usage")
    refused = page.request.get(server.url(f"/handler/{usage}/download/?student=partway&kind=roster"))
    assert refused.status == 403, refused.status
    assert "text/csv" not in refused.headers.get("content-type", "")
    assert "course staff" in refused.text() and "seed-" not in refused.text()


# --- the grid at 1280 px, the filters in the URL, Behind -> Copy email list, Issue's count ----------------

WIDE = {"width": 1280, "height": 800}
GRID_HEAD = ["Name", "Status", "Hours", "Weeks behind", "Last activity"] + [f"T{n}" for n in range(1, 11)] + \
    ["Certificate", "Agency"]


def wait_ready(page):
    page.wait_for_function("() => { const r = document.querySelector('.elsx-cohort');"
                           " return r && !r.hasAttribute('aria-busy'); }")


def wait_total(page, total):
    for _ in range(100):
        if showing(page)[2] == total:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the grid never showed {total} learners: {showing(page)}")


def query_of(page):
    from urllib.parse import parse_qs, urlsplit  # pylint: disable=import-outside-toplevel
    return {key: values[-1] for key, values in parse_qs(urlsplit(page.url).query).items()}


def test_grid_at_1280_keeps_the_name_in_place_and_what_matters_in_view(page, server, screenshots):
    page.set_viewport_size(WIDE)
    page.goto(server.scenario(DASHBOARD, "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    heads = [text.replace("↕", "").replace("▲", "").strip()
             for text in grid(page).locator("thead th").evaluate_all(
                 "(cells) => cells.map(c => c.querySelector('[aria-hidden=true]:not(.elsx-sort__mark)')"
                 " ? c.querySelector('[aria-hidden=true]').textContent : c.innerText)")]
    assert heads == GRID_HEAD, heads
    # Each topic column says in full what it heads, and each cell its state, for screen readers.
    topic_names = grid(page).locator("thead th.elsx-grid__topic .elsx-sr-only").all_inner_texts()
    assert len(topic_names) == 10 and all(name.startswith(f"Topic {n}: ") for n, name in enumerate(topic_names, 1))
    first_row = grid(page).locator("tbody tr").first
    states = first_row.locator("td.elsx-cell .elsx-sr-only").all_inner_texts()
    assert len(states) == 10 and all(state.strip() for state in states), states
    assert first_row.locator('td.elsx-cell > [aria-hidden="true"]').count() == 10

    # Everything up to T10 is in view without scrolling sideways.
    scroller = root.locator('[data-region="grid"]')
    box = scroller.bounding_box()
    t10 = grid(page).locator("thead th.elsx-grid__topic").last.bounding_box()
    assert t10["x"] + t10["width"] <= box["x"] + box["width"] + 1, (t10, box)
    name_cell = first_row.locator("th")
    before = name_cell.bounding_box()
    section = root.locator("section.elsx-panel", has=page.locator('[data-region="grid"]'))
    screenshots.element(section, "grid-after.png", max_height=1000, max_width=WIDE["width"])
    # Scrolled to the far end, the name stays where it was.
    scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    name_cell.scroll_into_view_if_needed()
    box = scroller.bounding_box()
    assert scroller.evaluate("(el) => el.scrollLeft") > 0, "the grid did not need to scroll at all"
    after = name_cell.bounding_box()
    assert abs(after["x"] - before["x"]) < 1 and abs(after["x"] - box["x"]) < 3, (before, after, box)
    top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th, td').tagName",
                        [after["x"] + 10, after["y"] + after["height"] / 2])
    assert top == "TH", "another column shows on top of the fixed name"
    assert_accessible(page, "dashboard grid scrolled sideways at 1280 px")


def test_filters_apply_on_change_and_live_in_the_url_without_typed_text(page, server):
    page.set_viewport_size(WIDE)
    page.goto(server.scenario(DASHBOARD, "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    everyone = showing(page)[2]
    assert root.locator('form[data-region="filters"] [type="submit"]').count() == 0
    root.get_by_label("Status").select_option("behind")
    wait_ready(page)
    behind = showing(page)[2]
    assert behind < everyone
    assert query_of(page) == {"student": "instructor", "status": "behind", "sort": "behind", "dir": "desc"}
    root.locator('[data-region="pager"]').get_by_role("button", name="Next").click()
    wait_showing(page, 26, None, behind)
    assert query_of(page)["page"] == "2"
    # Typed text filters the list after a pause, and never reaches the address bar.
    root.get_by_label("Search by name or email").fill("example.org")
    wait_showing(page, 1, None, behind)
    root.get_by_label("Agency contains").fill("Police")
    for _ in range(100):
        if showing(page)[2] < behind:
            break
        page.wait_for_timeout(100)
    police = showing(page)[2]
    assert 0 < police < behind
    assert "example" not in page.url and "Police" not in page.url, page.url
    assert "search" not in query_of(page) and "agency" not in query_of(page)

    # A reload (or a bookmark) shows the same view, less the typed text.
    root.get_by_label("Agency contains").fill("")
    wait_total(page, behind)
    root.locator('[data-region="pager"]').get_by_role("button", name="Next").click()
    wait_showing(page, 26, None, behind)
    bookmark = page.url
    page.goto("about:blank")
    page.goto(bookmark)
    root = page.locator(".elsx-cohort")
    root.wait_for()
    wait_showing(page, 26, None, behind)
    assert root.get_by_label("Status").input_value() == "behind"
    assert root.get_by_label("Search by name or email").input_value() == ""
    assert sort_header(page, "behind").get_attribute("aria-sort") == "descending"
    # A hand-edited address with a value that is not allowed is refused plainly, nothing shown wrongly.
    page.goto(server.scenario(DASHBOARD, "instructor") + "&engaged_under=999999")
    error = page.locator('.elsx-cohort [data-region="error"]')
    error.wait_for()
    assert "Engaged minutes" in error.inner_text()


def test_behind_then_copy_email_list_and_the_issue_confirmation_count(context, page, server):
    import sqlite3  # pylint: disable=import-outside-toplevel
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base_url)
    page.set_viewport_size(WIDE)
    page.goto(server.scenario(DASHBOARD, "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    card = root.locator('button[data-status="behind"]')
    behind_count = int(card.locator(".elsx-card__value").inner_text())
    card.click()
    wait_total(page, behind_count)
    assert sort_header(page, "behind").get_attribute("aria-sort") == "descending"
    root.get_by_role("button", name="Copy email list").click()
    notice = root.locator('[data-region="notice"]')
    notice.get_by_text(re.compile(r"email addresses")).wait_for()
    copied = notice.locator("textarea")
    if copied.count():  # no clipboard here: the list to copy by hand
        addresses = copied.input_value().split(", ")
    else:
        addresses = page.evaluate("() => navigator.clipboard.readText()").split(", ")
    assert len(addresses) == behind_count and all("@" in address for address in addresses), addresses[:3]
    assert str(behind_count) in notice.inner_text()

    # Issue certificates? names how many learners it is about; dismissing it issues nothing.
    with sqlite3.connect(server.folder / "e2e.sqlite3") as db:
        waiting = db.execute(
            "SELECT COUNT(*) FROM elsx_learnerprofile p WHERE p.claimed_at IS NOT NULL AND p.legal_name <> ''"
            " AND p.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM elsx_certificate c"
            " WHERE c.course_key = p.course_key AND c.learner_id = p.learner_id)").fetchone()[0]
        certificates = db.execute("SELECT COUNT(*) FROM elsx_certificate").fetchone()[0]
    root.get_by_role("button", name="Issue certificates to eligible learners who claimed").click()
    if waiting:
        for _ in range(100):
            if context.dialogs:
                break
            page.wait_for_timeout(100)
        assert len(context.dialogs) == 1, context.dialogs
        kind, message = context.dialogs[0][1:]
        assert kind == "confirm"
        assert re.match(rf"Issue (a certificate|certificates) to {waiting} learners? who claimed", message), message
    else:
        notice.get_by_text("No learner is waiting for a certificate").wait_for()
        assert context.dialogs == []
    wait_ready(page)
    with sqlite3.connect(server.folder / "e2e.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM elsx_certificate").fetchone()[0] == certificates


def test_dashboard_on_a_phone_filtered_and_drilled_down_passes_axe(page, server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.scenario(DASHBOARD, "instructor"))
    root = page.locator(".elsx-cohort")
    root.wait_for()
    assert_accessible(page, "dashboard at 390 px")
    everyone = showing(page)[2]
    root.locator('button[data-status="behind"]').click()
    for _ in range(100):
        if showing(page)[2] != everyone:
            break
        page.wait_for_timeout(100)
    wait_ready(page)
    assert sort_header(page, "behind").get_attribute("aria-sort") == "descending"
    # The name stays in view on a phone too, with the grid scrolled sideways.
    name = grid(page).locator("tbody tr").first.locator("th")
    before = name.bounding_box()
    root.locator('[data-region="grid"]').evaluate("(el) => { el.scrollLeft = 400; }")
    assert abs(name.bounding_box()["x"] - before["x"]) < 1
    assert_accessible(page, "dashboard at 390 px, filtered to behind")
    name.locator("button[data-learner]").click()
    root.locator("dialog").get_by_role("heading", name="Learner details").wait_for()
    assert_accessible(page, "dashboard at 390 px, learner drill-down open")
