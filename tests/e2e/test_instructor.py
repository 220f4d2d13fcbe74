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
