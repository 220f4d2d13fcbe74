"""Scenario 1: a learner who uses only the keyboard finishes the course and gets the certificate.

"kim" is seeded with nine topics complete. In the browser, with keys only, kim
opens the tenth topic's sections, fails the knowledge check, reads the
explanations, passes, writes a reflection, watches the progress block reach
11.0 hours, claims the certificate, downloads the PDF and opens the
verification page from the number shown. axe-core checks every state.
"""
import io
import re
import subprocess

import pytest

from tests.e2e.conftest import (assert_accessible, assert_visible_focus, focused, skip_module_without_browser,
                                tab_to, unlabelled_fields)

skip_module_without_browser()

pytestmark = pytest.mark.browser

LEARNER = "kim"
FULL_NAME = "Kim Alvarez-Nguyen"
AGENCY = "Lakeview County Sheriff's Office"


@pytest.fixture(scope="module")
def last_topic():
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    return get_curriculum().topics[-1]


def hours_text(page):
    return page.locator(".elsx-progress .elsx-progress__hours").inner_text()


def choose_by_keyboard(page, topic_root, question, option_id):
    """Tab into the question's radio group and move to option_id with the arrow keys."""
    fieldset = topic_root.locator(f'fieldset[data-question-id="{question.id}"]')
    name = fieldset.locator("input[type=radio]").first.get_attribute("name")
    option_ids = [option.id for option in question.options]
    for _ in range(200):
        current = page.evaluate("(name) => { const el = document.activeElement;"
                                " return el && el.name === name ? el.value : null; }", name)
        if current is not None:
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"question {question.id} cannot be reached with the Tab key")
    target = option_ids.index(option_id)
    for _ in range(len(option_ids) * 2):
        current = page.evaluate("() => document.activeElement.value")
        index = option_ids.index(current)
        if index == target:
            break
        page.keyboard.press("ArrowDown" if target > index else "ArrowUp")
    page.keyboard.press("Space")  # checks it if the arrows did not already
    assert fieldset.locator(f'input[value="{option_id}"]').is_checked(), f"{question.id}: {option_id} not chosen"


def answer_check(page, topic_root, topic, answers):
    # Start from the knowledge check's heading so Tab walks the questions in order.
    topic_root.locator("h3", has_text="Knowledge check").evaluate("(el) => { el.tabIndex = -1; el.focus(); }")
    for question in topic.questions:
        choose_by_keyboard(page, topic_root, question, answers[question.id])
    tab_to(page, topic_root.get_by_role("button", name="Submit answers"))
    assert_visible_focus(page, "the Submit answers button")
    page.keyboard.press("Enter")


def test_keyboard_learner_completes_the_course_and_gets_the_certificate(context, page, server, screenshots,
                                                                         last_topic, tmp_path):
    topic = last_topic
    page.goto(server.scenario(f"elsx_topic.{topic.number}", LEARNER))
    root = page.locator(".elsx-topic")
    root.wait_for()
    # Opening a topic is not an action (issue 11): it starts only once something is read or answered.
    assert root.locator(".elsx-topic__status").get_by_text("Not started").is_visible()
    assert root.locator('[data-region="checklist"]').get_by_text(f"(0 of {len(topic.sections)} read)").is_visible()
    assert hours_text(page).startswith("9.0 of 11.0 credit hours earned"), hours_text(page)
    assert_accessible(page, "topic, before answering")
    assert unlabelled_fields(page) == []

    # --- read every section with the keyboard -------------------------------------
    for number, section in enumerate(topic.sections, start=1):
        details = root.locator(f'details[data-section-id="{section.id}"]')
        summary = details.locator("summary")
        tab_to(page, summary)
        assert_visible_focus(page, f"section {number}'s summary")
        page.keyboard.press("Enter")
        assert details.evaluate("(el) => el.open"), f"Enter did not open section {number}"
        page.locator(f'[data-region="read-{section.id}"]').locator(".elsx-section__read").wait_for()
    assert root.locator(".elsx-topic__status").get_by_text("In progress").is_visible()
    assert root.locator('[data-region="checklist"]').get_by_text(
        f"Read every section ({len(topic.sections)} of {len(topic.sections)} read)").is_visible()

    # --- fail the knowledge check, see why -------------------------------------------
    wrong = {q.id: next(o.id for o in q.options if not o.correct) for q in topic.questions}
    answer_check(page, root, topic, wrong)
    result = root.locator('[data-region="result"]')
    result.get_by_text("The pass mark is 80%").wait_for()
    # The result is announced: a polite live region that also takes the focus.
    now = focused(page)
    assert now["region"] == "result" and now["live"] == "polite", now
    for question in topic.questions:
        feedback = root.locator(f'[data-region="feedback-{question.id}"]')
        assert feedback.get_by_text("Not correct.").is_visible(), question.id
        explanation = feedback.locator(".elsx-feedback__explanation").inner_text().strip()
        assert explanation == question.explanation.strip(), question.id
    assert_accessible(page, "topic, after a failed attempt with explanations")
    screenshots.element(root.locator("section", has=page.locator('[data-region="check"]')), "topic-check.png")

    # --- retry and pass --------------------------------------------------------------
    right = {q.id: q.correct_option_id for q in topic.questions}
    answer_check(page, root, topic, right)
    result.get_by_text("passed the knowledge check").wait_for()
    assert focused(page)["region"] == "result"
    for question in topic.questions:
        assert root.locator(f'[data-region="feedback-{question.id}"]').get_by_text("Correct.").is_visible()
    assert_accessible(page, "topic, after passing")

    # --- the reflection: a too-short one is refused and the error announced -----------
    textarea = root.locator("textarea")
    tab_to(page, textarea)
    assert_visible_focus(page, "the reflection textarea")
    page.keyboard.type("Too short")
    tab_to(page, root.get_by_role("button", name="Save reflection"))
    page.keyboard.press("Enter")
    # Under its text box, which it describes and marks.
    error = root.locator('[data-region="reflection-error"]')
    error.wait_for(state="visible")
    assert error.get_attribute("role") == "alert"
    assert "20" in error.inner_text(), error.inner_text()
    assert focused(page)["region"] == "reflection-error", "the error message did not take the focus"
    assert textarea.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in textarea.get_attribute("aria-describedby").split()
    assert_accessible(page, "topic, reflection error shown")

    tab_to(page, textarea, backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("Our agency will publish a community action plan with the clearinghouse by March, "
                      "and I will brief the county board on it.")
    tab_to(page, root.get_by_role("button", name="Save reflection"))
    page.keyboard.press("Enter")
    root.locator('[data-region="saved"]').get_by_text("Reflection saved").wait_for()
    assert error.is_hidden()
    assert textarea.get_attribute("aria-invalid") is None
    assert focused(page)["region"] == "saved"

    # --- complete: status, checklist, and the progress block's hours go up ------------
    assert root.locator(".elsx-topic__status").get_by_text("Complete").is_visible()
    assert root.get_by_text(f"Topic complete: {topic.hours} credit hours earned.").is_visible()
    page.wait_for_function("() => document.querySelector('.elsx-progress__hours').innerText"
                           ".startsWith('11.0 of 11.0')")
    assert "10 of 10 topics complete" in hours_text(page)
    assert page.locator(".elsx-progress").get_by_text("You have completed every topic.").is_visible()
    assert_accessible(page, "topic complete, progress refreshed")
    # Beside a single topic the block is a compact summary; the learner opens the whole list.
    all_topics = page.locator('.elsx-progress [data-region="all-topics"]')
    assert not all_topics.evaluate("(el) => el.open")
    all_topics.locator("summary").click()
    assert page.locator(".elsx-progress .elsx-topiclist li").nth(9).is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    screenshots.element(page.locator(".elsx-progress"), "progress.png")

    # --- the topic view as a returning learner sees it ------------------------------
    page.reload()
    root.wait_for()
    assert root.locator(".elsx-topic__status").get_by_text("Complete").is_visible()
    root.locator('details[data-section-id]').first.evaluate("(el) => { el.open = true; }")
    screenshots.element(root, "topic.png")

    # --- claim the certificate ---------------------------------------------------------
    claim_certificate(page, server)
    number = page.locator(".elsx-cert-number").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", number), number
    assert page.locator(".elsx-cert-facts").get_by_text(FULL_NAME).is_visible()
    assert_accessible(page, "certificate issued")

    # --- download the PDF with the keyboard --------------------------------------------
    link = page.get_by_role("link", name="Download certificate (PDF)")
    tab_to(page, link)
    assert_visible_focus(page, "the download link")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    pdf_path = tmp_path / "certificate.pdf"
    info.value.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-"), data[:20]
    from pypdf import PdfReader  # pylint: disable=import-outside-toplevel
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(data)).pages)
    assert FULL_NAME in text, text[:500]
    assert number in text or number.replace("-", "") in text.replace("-", ""), "number not printed"
    png = screenshots.path("certificate")
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(png)],
                   check=True, timeout=60)
    screenshots.publish("certificate.png")

    # --- the verification page, from the link next to the number ----------------------
    verify_link = page.get_by_role("link", name="Verification page")
    tab_to(page, verify_link)
    with context.expect_page() as opened:
        page.keyboard.press("Enter")
    verify = opened.value
    verify.wait_for_load_state()
    check_verification_page(verify, number)
    assert_accessible(verify, "verification page", workbench=False)
    screenshots.viewport(verify, "verification.png", max_height=540)

    # --- and from the number typed into the lookup form --------------------------------
    verify.goto(server.url("/elsx/verify/"))
    field = verify.get_by_label("Certificate number")
    tab_to(verify, field)
    verify.keyboard.type(number)
    verify.keyboard.press("Enter")
    verify.wait_for_url(re.compile(re.escape(number)))
    check_verification_page(verify, number)
    assert context.dialogs == []


def claim_certificate(page, server):
    page.goto(server.scenario("elsx_certificate.0", LEARNER))
    form = page.locator("form.elsx-claim")
    form.wait_for()
    assert_accessible(page, "certificate claim form")
    assert unlabelled_fields(page) == []
    name = form.get_by_label("Legal name")
    assert name.input_value() == FULL_NAME
    assert form.get_by_label("Agency").input_value() == ""

    # Submitting with agency and role empty: the error is announced and the field marked.
    submit = form.get_by_role("button", name="Confirm and get my certificate")
    tab_to(page, submit)
    assert_visible_focus(page, "the claim button")
    page.keyboard.press("Enter")
    error = page.locator('.elsx-certificate [data-region="error"]')
    error.wait_for(state="visible")
    assert error.get_attribute("role") == "alert" and error.inner_text().strip()
    assert focused(page)["region"] == "error", "the claim error did not take the focus"
    assert form.locator('[aria-invalid="true"]').count() == 1
    assert_accessible(page, "claim form with an error")

    tab_to(page, form.get_by_label("Agency"), backwards=True)
    page.keyboard.type(AGENCY)
    page.keyboard.press("Tab")
    role = form.get_by_label("Role")
    assert page.evaluate("() => document.activeElement.name") == "role"
    page.keyboard.press("ArrowDown")
    assert role.input_value() == "le_executive", "the role select does not answer the arrow keys"
    tab_to(page, submit)
    page.keyboard.press("Enter")
    page.locator('[data-region="issued"]').wait_for()
    assert error.is_hidden()
    assert focused(page)["region"] == "issued", "focus did not move to the issued certificate"


def check_verification_page(verify, number):
    assert verify.locator("h1").inner_text() == "Certificate verification"
    assert verify.get_by_role("status").get_by_text("Valid").is_visible()
    assert verify.locator("dd.number").inner_text().strip() == number
    assert verify.get_by_text(FULL_NAME).is_visible()
    assert verify.get_by_text("11.0").first.is_visible()
