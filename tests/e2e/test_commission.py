"""What a POST commission checks, end to end in Chromium, with ELSX_COMMISSION=1.

"ana" has nine topics. She writes the capstone reflection (the live word
counter counts to 400), and it goes to review; the facilitator returns it with
a comment; she sees the comment in the topic, revises and resubmits; the
facilitator accepts and the topic completes. The final assessment opens: she
fails once (score and topics to review, never the answers), passes the second
attempt, answers the course evaluation, and claims the certificate only after
affirming. The facilitator downloads the training file, which opens.
"""
import io
import zipfile

import pytest

from tests.e2e.conftest import (HERE, INSTANT_ENV, VIEWPORT, assert_accessible, own_server,
                                skip_module_without_browser, tab_to)

skip_module_without_browser()

pytestmark = pytest.mark.browser
LEARNER, STAFF = "ana", "instructor"
CAPSTONE_NUMBER = 10


@pytest.fixture(scope="module")
def commission_server(tmp_path_factory):
    # Seat-time minimums off, as for the other browser journeys (tests/e2e/conftest.py): this walks the rules.
    with own_server(tmp_path_factory, "elsx-e2e-commission", [str(HERE / "seed_commission.py")],
                    {**INSTANT_ENV, "ELSX_COMMISSION": "1"}) as running:
        yield running


@pytest.fixture(scope="module")
def chromium(commission_server, browser):
    # The session's browser: a second sync_playwright() in one process fails ("inside the asyncio loop").
    return browser


@pytest.fixture
def pages(chromium):
    contexts = []

    def open_page():
        ctx = chromium.new_context(viewport=VIEWPORT, accept_downloads=True, locale="en-US")
        ctx.set_default_timeout(20000)
        contexts.append(ctx)
        return ctx.new_page()
    yield open_page
    for ctx in contexts:
        ctx.close()


def words(n, prefix="plan"):
    return " ".join(f"{prefix}{i}" for i in range(n))


def finish_capstone_steps(page, topic):
    root = page.locator(".elsx-topic")
    for section in topic.sections:
        root.locator(f'details[data-section-id="{section.id}"] summary').click()
        root.locator(f'[data-region="read-{section.id}"][data-state="read"]').wait_for()
    for question in topic.questions:
        root.locator(f'fieldset[data-question-id="{question.id}"] input[value="{question.correct_option_id}"]').check()
    root.get_by_role("button", name="Submit answers").click()
    root.locator('[data-region="result"]').get_by_text("passed", exact=False).first.wait_for()


def save_reflection(page, text):
    root = page.locator(".elsx-topic")
    root.locator("textarea").fill(text)
    root.get_by_role("button", name="Save reflection").click()


def open_review(page, server):
    page.goto(server.scenario("elsx_cohort.0", STAFF))
    panel = page.locator('[data-region="commission"]')
    panel.wait_for()
    panel.locator("[data-review-open]").first.click()
    form = panel.locator('[data-region="review-form"]')
    form.wait_for()
    return panel, form


def score_rubric(form, value):
    for fieldset in form.locator("fieldset[data-criterion]").all():
        fieldset.locator(f'input[value="{value}"]').check()


def answer_final(page, correct):
    from elsx.assessment import api  # pylint: disable=import-outside-toplevel
    bank = api.bank()
    form = page.locator('[data-region="final-form"]')
    form.wait_for()
    for fieldset in form.locator("fieldset[data-question-id]").all():
        question = bank[fieldset.get_attribute("data-question-id")][1]
        choice = question.correct_option_id if correct else next(o.id for o in question.options if not o.correct)
        fieldset.locator(f'input[value="{choice}"]').check()
    form.get_by_role("button", name="Submit final assessment").click()


def test_commission_journey(commission_server, pages, tmp_path):
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    server = commission_server
    topic = get_curriculum().topics[-1]
    assert topic.id == "community-action-planning" and topic.number == CAPSTONE_NUMBER
    learner = pages()

    # The certificate names every requirement still to do; there is no claim form yet.
    learner.goto(server.scenario("elsx_certificate.0", LEARNER))
    missing = learner.locator(".elsx-cert-missing")
    for name in ("Final assessment", "Course evaluation", "Capstone accepted", "Affirmation"):
        assert missing.get_by_text(name, exact=False).count(), name
    assert learner.locator('input[name="legal_name"]').count() == 0

    # The final is locked until every topic is complete.
    learner.goto(server.scenario("elsx_final.0", LEARNER))
    assert learner.locator('[data-region="locked"]').is_visible()
    assert learner.locator(".elsx-final").get_by_text(topic.title).is_visible()

    # The capstone: a live word counter; too short is refused, 400 words go to review.
    learner.goto(server.scenario(f"elsx_topic.{CAPSTONE_NUMBER}", LEARNER))
    finish_capstone_steps(learner, topic)
    counter = learner.locator('[data-region="word-count"]')
    assert counter.get_attribute("aria-live") == "polite"
    learner.locator(".elsx-topic textarea").fill(words(12))
    assert counter.inner_text() == "12 of at least 400 words"
    save_reflection(learner, words(120))
    learner.locator(".elsx-topic").get_by_text("needs at least 400 words").wait_for()
    save_reflection(learner, words(400))
    learner.locator('[data-region="review"]').get_by_text("Submitted for facilitator review").wait_for()
    assert learner.locator(".elsx-topic__status").get_by_text("In progress").is_visible()
    assert_accessible(learner, "capstone submitted for review")

    # The facilitator returns it with a comment.
    staff = pages()
    panel, form = open_review(staff, server)
    assert form.locator("fieldset[data-criterion]").count() == 7
    assert panel.get_by_text("plan399").is_visible()
    score_rubric(form, "1")
    form.locator("textarea[name=comment]").fill("Name an owner for each goal.")
    form.get_by_role("button", name="Return for revision").click()
    panel.locator('[data-region="review-notice"]').get_by_text("Returned to the learner").wait_for()

    # The learner sees the comment in the topic and resubmits.
    learner.reload()
    review = learner.locator('[data-region="review"]')
    assert review.get_by_text("Returned for revision").is_visible()
    assert review.get_by_text("Name an owner for each goal.").is_visible()
    save_reflection(learner, words(420, prefix="owned"))
    review.get_by_text("Submitted for facilitator review").wait_for()

    # The facilitator accepts the second round; the topic completes.
    panel, form = open_review(staff, server)
    assert panel.get_by_text("owned419").is_visible() and panel.get_by_text("Round 1: returned").is_visible()
    score_rubric(form, "2")
    form.get_by_role("button", name="Accept").click()
    panel.locator('[data-region="review-notice"]').get_by_text("Accepted").wait_for()
    learner.reload()
    assert learner.locator(".elsx-topic__status").get_by_text("Complete").is_visible()
    assert learner.locator('[data-region="review"]').get_by_text("Accepted by your facilitator on").is_visible()

    # The final: one failed attempt shows the score and topics to review, never a key; then a pass.
    learner.goto(server.scenario("elsx_final.0", LEARNER))
    learner.get_by_role("button", name="Start the final assessment").click()
    learner.locator('[data-region="final-form"]').wait_for()
    assert learner.locator("fieldset[data-question-id]").count() == 25
    assert_accessible(learner, "final assessment attempt")
    answer_final(learner, correct=False)
    attempt = learner.locator('[data-region="attempt-1"]')
    attempt.get_by_text("Attempt 1: 0%").wait_for()
    assert attempt.get_by_text("Topics to review:").is_visible()
    assert "correct" not in learner.locator(".elsx-final").inner_text().lower().replace(
        "the correct answers are not shown", "")
    learner.get_by_role("button", name="Start another attempt").click()
    answer_final(learner, correct=True)
    learner.locator('[data-region="passed"]').wait_for()

    # The course evaluation by keyboard alone: Tab into each group of labelled radios, arrows choose,
    # Tab to a comment and type it, Tab to the button and press Enter.
    learner.goto(server.scenario("elsx_evaluation.0", LEARNER))
    form = learner.locator('[data-region="evaluation"]')
    for fieldset in form.locator("fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        tab_to(learner, radios.first)  # nothing chosen yet: Tab lands on the group's first point
        learner.keyboard.press("ArrowDown")
        learner.keyboard.press("ArrowDown")
        assert radios.nth(2).is_checked() and radios.nth(2).evaluate("(el) => el === document.activeElement")
    tab_to(learner, form.locator("textarea").first)
    learner.keyboard.type("The capstone review made the plan real.")
    assert_accessible(learner, "course evaluation")
    tab_to(learner, form.get_by_role("button", name="Submit evaluation"))
    learner.keyboard.press("Enter")
    learner.locator('[data-region="done"]').wait_for()

    # The claim needs the affirmation.
    learner.goto(server.scenario("elsx_certificate.0", LEARNER))
    claim = learner.locator('[data-region="claim"]')
    claim.locator('input[name="legal_name"]').fill("Ana Beltrán")
    claim.locator('input[name="agency"]').fill("Lakeview Police Department")
    claim.locator('select[name="role"]').select_option("le_executive")
    claim.get_by_role("button", name="Confirm and get my certificate").click()
    learner.locator('[data-region="error"]').get_by_text("Affirm that you personally").wait_for()
    claim.get_by_label("I affirm that I personally completed").check()
    claim.get_by_role("button", name="Confirm and get my certificate").click()
    learner.locator('[data-region="issued"]').get_by_text("Status: valid").wait_for()

    # Staff see the evaluation's aggregates and comments (six answers now), and download the training file.
    staff.goto(server.scenario("elsx_evaluation.0", STAFF))
    summary = staff.locator('[data-region="evaluation-summary"]')
    assert summary.get_by_text("6 responses").is_visible()
    assert summary.get_by_text("The capstone review made the plan real.").is_visible()
    staff.goto(server.scenario("elsx_cohort.0", STAFF))
    with staff.expect_download() as info:
        staff.locator('[data-region="training-file"]').click()
    path = tmp_path / "training.zip"
    info.value.save_as(path)
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    assert archive.testzip() is None
    certified = archive.read("training-file/certified-learners.csv").decode("utf-8")
    assert "Ana Beltrán" in certified
