"""Learner journeys the first browser walk found broken (issue 14), at 1280×800 and 390×844.

Each state is checked with axe-core's WCAG 2.1 A/AA rules.
"""
import pytest

from tests.e2e.conftest import assert_accessible, skip_module_without_browser

skip_module_without_browser()

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request, context):
    page = context.new_page()
    page.set_viewport_size(VIEWPORTS[request.param])
    page.viewport_name = request.param
    return page


@pytest.fixture(scope="module")
def topic():
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    return get_curriculum().topics[2]


def open_topic(page, server, topic, student):
    page.goto(server.scenario(f"elsx_topic.{topic.number}", student))
    root = page.locator(".elsx-topic")
    root.wait_for()
    return root


def checklist(root):
    return root.locator('[data-region="checklist"]')


def test_rapid_section_opens_and_an_immediate_submit_all_count(sized_page, server, topic):
    page = sized_page
    student = f"rapid-{page.viewport_name}"
    # The first request fails twice (a 503, then a dropped connection): the queue retries it.
    failures = ["503", "abort"]

    def flaky(route):
        if failures:
            kind = failures.pop(0)
            if kind == "503":
                route.fulfill(status=503, content_type="application/json", body='{"error": "busy"}')
            else:
                route.abort()
        else:
            route.continue_()
    page.route("**/handler/**view_section**", flaky)
    root = open_topic(page, server, topic, student)
    assert_accessible(page, f"fresh topic ({page.viewport_name})")
    for section in topic.sections:
        state = root.locator(f'[data-region="read-{section.id}"]')
        assert state.inner_text().strip().endswith("Not read"), state.inner_text()

    right = {q.id: q.correct_option_id for q in topic.questions}
    # One synchronous burst: every action is taken while the first request is still in flight.
    page.evaluate("""([right, text]) => {
        const root = document.querySelector('.elsx-topic');
        root.querySelectorAll('details.elsx-section').forEach((d) => { d.open = true; });
        Object.entries(right).forEach(([qid, oid]) => {
            root.querySelector(`fieldset[data-question-id="${qid}"] input[value="${oid}"]`).checked = true; });
        root.querySelector('[data-region="check"]').requestSubmit();
        root.querySelector('textarea').value = text;
        root.querySelector('[data-region="reflection"]').requestSubmit();
    }""", [right, "Our unit will adopt the screening questions at intake by the end of the quarter."])
    # Toggle events fire after the burst; each section says it is being read until the server agrees.
    root.locator('[data-region="saved"]').get_by_text("Reflection saved").wait_for()
    total = len(topic.sections)
    checklist(root).get_by_text(f"({total} of {total} read)").wait_for()
    assert root.locator('[data-region="result"]').get_by_text("passed the knowledge check").is_visible()
    for section in topic.sections:
        assert root.locator(f'[data-region="read-{section.id}"]').inner_text().strip().endswith("Read")
        assert root.locator(f'details[data-section-id="{section.id}"]').get_attribute("data-state") == "read"
    assert root.locator(".elsx-topic__status").get_by_text("Complete").is_visible()
    assert failures == [], "the flaky route was not exercised"
    assert root.locator('[data-region="error"]').is_hidden()
    assert_accessible(page, f"topic complete after a burst ({page.viewport_name})")

    # The server kept all of it.
    page.unroute("**/handler/**view_section**")
    root = open_topic(page, server, topic, student)
    assert checklist(root).get_by_text(f"({total} of {total} read)").is_visible()
    assert root.locator(".elsx-topic__status").get_by_text("Complete").is_visible()


def test_checklist_names_the_missing_sections_with_links(sized_page, server, topic):
    page = sized_page
    root = open_topic(page, server, topic, f"partial-{page.viewport_name}")
    first, second = topic.sections[0], topic.sections[1]
    # A visible disclosure mark on every section summary.
    mark = root.locator("details.elsx-section summary").first.evaluate(
        "(el) => getComputedStyle(el, '::before').content")
    assert "▸" in mark, mark
    root.locator(f'details[data-section-id="{first.id}"] summary').click()
    root.locator(f'[data-region="read-{first.id}"]').locator(".elsx-section__read").wait_for()
    missing = checklist(root).locator(".elsx-checklist__missing a")
    missing.first.wait_for()
    names = missing.all_inner_texts()
    assert names == [f"Section {n}: {s.title}" for n, s in enumerate(topic.sections, start=1) if s != first], names
    assert checklist(root).get_by_role("link", name="Pass the knowledge check").is_visible()
    assert checklist(root).get_by_role("link", name="Save a reflection").is_visible()
    assert_accessible(page, f"checklist naming missing sections ({page.viewport_name})")

    checklist(root).get_by_role("link", name=f"Section 2: {second.title}").click()
    details = root.locator(f'details[data-section-id="{second.id}"]')
    assert details.evaluate("(el) => el.open")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    root.locator(f'[data-region="read-{second.id}"]').locator(".elsx-section__read").wait_for()
    assert details.locator("summary").evaluate("(el) => getComputedStyle(el, '::before').content").count("▾") == 1
    checklist(root).get_by_text(f"(2 of {len(topic.sections)} read)").wait_for()
    assert second.title not in " ".join(checklist(root).locator(".elsx-checklist__missing a").all_inner_texts())
    assert_accessible(page, f"section opened from the checklist ({page.viewport_name})")


def test_unanswered_questions_are_named_and_linked_at_the_form(sized_page, server, topic):
    page = sized_page
    root = open_topic(page, server, topic, f"unanswered-{page.viewport_name}")
    check = root.locator('[data-region="check"]')
    for question in topic.questions[:3]:
        check.locator(f'fieldset[data-question-id="{question.id}"] input[value="{question.correct_option_id}"]').check()
    check.get_by_role("button", name="Submit answers").click()
    error = check.locator('[data-region="check-error"]')
    error.wait_for()
    numbers = list(range(4, len(topic.questions) + 1))
    spoken = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
    assert error.locator("p").inner_text() == f"Questions {spoken} are not answered yet."
    assert page.evaluate("() => document.activeElement.getAttribute('data-region')") == "check-error"
    # The message sits just before the Submit button, not at the bottom of the topic.
    assert check.locator('[data-region="check-error"] + .elsx-actions').count() == 1
    assert root.locator('[data-region="error"]').is_hidden()
    for number, question in enumerate(topic.questions, start=1):
        fieldset = check.locator(f'fieldset[data-question-id="{question.id}"]')
        if number in numbers:
            assert fieldset.get_attribute("aria-invalid") == "true", number
            assert error.get_attribute("id") in fieldset.get_attribute("aria-describedby").split()
        else:
            assert fieldset.get_attribute("aria-invalid") is None, number
    assert error.get_by_role("link").all_inner_texts() == [f"Question {n}" for n in numbers]
    assert_accessible(page, f"unanswered questions named at the form ({page.viewport_name})")

    error.get_by_role("link", name=f"Question {numbers[1]}").click()
    target = topic.questions[numbers[1] - 1]
    assert page.evaluate("() => document.activeElement.name").endswith(target.id)
    page.keyboard.press("Space")
    assert check.locator(f'fieldset[data-question-id="{target.id}"]').get_attribute("aria-invalid") is None


def complete_every_topic(page, server, student):
    """The whole course in one page, every topic done through its own controls (the request queue)."""
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    right = {t.id: {q.id: q.correct_option_id for q in t.questions} for t in get_curriculum().topics}
    page.goto(server.scenario("elsx_topic.0", student))
    page.locator(".elsx-topic").first.wait_for()
    page.evaluate("""(right) => document.querySelectorAll('.elsx-topic').forEach((root) => {
        root.querySelectorAll('details.elsx-section').forEach((d) => { d.open = true; });
        root.querySelectorAll('fieldset[data-question-id]').forEach((f) => {
            const answer = right[root.getAttribute('data-topic-id')][f.getAttribute('data-question-id')];
            f.querySelector(`input[value="${answer}"]`).checked = true; });
        root.querySelector('[data-region="check"]').requestSubmit();
        root.querySelector('textarea').value = 'Our agency will brief every shift supervisor on this topic.';
        root.querySelector('[data-region="reflection"]').requestSubmit();
    })""", right)
    page.wait_for_function("() => document.querySelectorAll('.elsx-topic .elsx-done').length === 10",
                           timeout=120000)


def line_count(locator):
    """How many lines the element's text takes in the page as laid out."""
    return locator.evaluate("""(el) => { const r = document.createRange(); r.selectNodeContents(el);
        return new Set(Array.from(r.getClientRects()).map((b) => Math.round(b.top))).size; }""")


def test_certificate_message_follows_the_certificate_and_fits_a_phone(sized_page, server, context):
    page = sized_page
    student = f"claimer-{page.viewport_name}"
    complete_every_topic(page, server, student)
    page.goto(server.scenario("elsx_certificate.0", student))
    state = page.locator("[data-certificate-state]")
    assert state.get_attribute("data-certificate-state") == "ready"
    assert "ready to claim" in state.inner_text()
    form = page.locator("form.elsx-claim")
    form.get_by_label("Legal name").fill("Maximiliana Alvarez-Nguyen de la Cruz-Oyelaran")
    form.get_by_label("Agency").fill("Lakeview County Sheriff's Office")
    form.get_by_label("Role").select_option("le_executive")
    form.get_by_role("button", name="Confirm and get my certificate").click()
    page.locator('[data-region="issued"]').wait_for()
    # The progress block on the same page changes with it: no stale "ready to claim".
    page.locator('[data-certificate-state="issued"]').wait_for()
    assert "ready to claim" not in page.locator(".elsx-progress").inner_text()
    facts = page.locator(".elsx-cert-facts")
    for word in facts.locator(".elsx-keep").all():
        assert line_count(word) == 1, word.inner_text()
    number = page.locator(".elsx-cert-number")
    text = number.inner_text().strip()
    lines = number.evaluate("""(el) => { const t = el.firstChild, out = {}; for (let i = 0; i < t.length; i++) {
        const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
        const top = Math.round(r.getBoundingClientRect().top); (out[top] = out[top] || []).push(t.data[i]); }
        return Object.values(out).map((chars) => chars.join('')); }""")
    # Each line holds whole groups: a break only ever follows a hyphen.
    assert all(not line or line.endswith("-") or line == lines[-1] for line in lines), lines
    assert "".join(lines) == text
    dt, dd = facts.locator("dt").first.bounding_box(), facts.locator("dd").first.bounding_box()
    if page.viewport_name == "phone":
        assert dd["y"] >= dt["y"] + dt["height"] - 1, (dt, dd)  # the label above its value
    else:
        assert abs(dd["y"] - dt["y"]) < 4, (dt, dd)  # side by side
    assert_accessible(page, f"certificate issued ({page.viewport_name})")

    staff = context.new_page()
    staff.set_viewport_size(VIEWPORTS[page.viewport_name])
    # Staff revoke it from the learner's drill-down in the dashboard (tests/e2e/test_instructor_certificates.py).
    staff.goto(server.scenario("elsx_cohort.0", "instructor"))
    dashboard = staff.locator(".elsx-cohort")
    dashboard.get_by_label("Search by name or email").fill(student)
    row = dashboard.locator('[data-region="grid"] tbody tr', has_text=f"{student}@",
                            has=staff.locator(".elsx-cert--valid"))
    row.wait_for()
    row.locator("button[data-learner]").click()
    revoke = dashboard.locator('dialog form[data-cert-action="revoke_certificate"]')
    assert revoke.locator("[data-cert-question]").inner_text().count(text) == 1
    revoke.get_by_label("Reason (kept with the record)").fill("Issued in error during the test.")
    revoke.get_by_role("button", name="Revoke…").click()
    revoke.get_by_role("button", name="Confirm: revoke").click()
    dashboard.locator('dialog [data-region="detail-status"]').get_by_text("is revoked").wait_for()
    page.reload()
    state = page.locator("[data-certificate-state]")
    assert state.get_attribute("data-certificate-state") == "revoked"
    assert "Contact course staff" in state.inner_text()
    assert page.locator(".elsx-certificate").get_by_text("Status: revoked on").is_visible()
    assert_accessible(page, f"certificate revoked ({page.viewport_name})")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_spanish_pages_mark_their_language_and_the_english_content(browser, server, topic, viewport):
    spanish = browser.new_context(viewport=VIEWPORTS[viewport], locale="es-419",
                                  extra_http_headers={"Accept-Language": "es-419"})
    try:
        page = spanish.new_page()
        root = open_topic(page, server, topic, f"lector-{viewport}")
        assert root.get_by_role("note").get_by_text("El contenido del curso está en inglés.").is_visible()
        assert root.locator("h2").get_attribute("lang") == "en"
        assert root.get_by_text("Sin leer").first.is_visible()
        assert_accessible(page, f"topic in Spanish ({viewport})")
        page.goto(server.url("/elsx/verify/"))
        assert page.locator("html").get_attribute("lang") == "es-419"
        assert_accessible(page, f"verification lookup in Spanish ({viewport})", workbench=False)
    finally:
        spanish.close()


def test_a_topic_page_on_a_phone_puts_the_topic_first_under_a_compact_summary(context, server, topic,
                                                                             screenshots):
    page = context.new_page()
    page.set_viewport_size(VIEWPORTS["phone"])
    root = open_topic(page, server, topic, "partway")
    progress = page.locator(".elsx-progress")
    all_topics = progress.locator('[data-region="all-topics"]')
    assert not all_topics.evaluate("(el) => el.open"), "the full list is open beside a single topic"
    this = progress.locator('[data-region="this-topic"]')
    assert this.is_visible()
    state = root.locator(".elsx-topic__status").inner_text().strip()
    assert this.inner_text().strip() == f"This topic: {state}"
    assert progress.get_by_text("credit hours earned").is_visible() and progress.get_by_text("Next:").is_visible()
    title = root.locator("h2").bounding_box()
    assert title["y"] + title["height"] <= VIEWPORTS["phone"]["height"], f"the title is below the first screen: {title}"
    remains = [h for h in page.get_by_role("heading", name="What remains").all() if h.is_visible()]
    assert len(remains) <= 1, "What remains shows twice"
    assert_accessible(page, "topic page at 390 px with the compact summary")
    screenshots.full_page(page, "topic-phone-after.png", max_height=2 * VIEWPORTS["phone"]["height"])

    all_topics.locator("summary").click()
    assert all_topics.evaluate("(el) => el.open")
    assert progress.locator(".elsx-topiclist li").count() == 10
    assert progress.locator(".elsx-topiclist li").nth(9).is_visible()
    assert_accessible(page, "topic page at 390 px with every topic shown")
    # On the progress block's own page (no single topic beside it) the list stays open.
    page.goto(server.scenario("elsx_topic.0", "partway"))
    page.locator(".elsx-topic").first.wait_for()
    assert page.locator('.elsx-progress [data-region="all-topics"]').evaluate("(el) => el.open")
    assert page.locator('.elsx-progress [data-region="this-topic"]').is_hidden()


def test_the_learner_sees_the_schedule_due_dates_and_a_resume_link(sized_page, server):
    # The seed records the demo cohort's start (24 days ago: week 4); "partway" has finished 3 topics.
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    due = sum(len(week.topics) for week in get_curriculum().weeks[:3])
    page = sized_page
    page.goto(server.scenario("elsx_topic.0", "partway"))
    progress = page.locator(".elsx-progress")
    progress.wait_for()
    line = progress.locator(".elsx-progress__schedule")
    assert line.inner_text().strip() == f"Week 4 of 6 — topics 1–{due} are due; you have finished 3."
    assert progress.locator(".elsx-week__due").count() == 6 and progress.locator(".elsx-week__due").first.is_visible()
    resume = progress.get_by_role("link", name="Resume — Topic 4")
    assert resume.is_visible() and resume.get_attribute("href").endswith(get_curriculum().topics[3].id)
    colours = resume.evaluate("(el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
    assert colours == ["rgb(255, 255, 255)", "rgb(11, 79, 156)"], f"the Resume text is not white on blue: {colours}"
    assert_accessible(page, f"progress block with the schedule at {page.viewport_name}")
