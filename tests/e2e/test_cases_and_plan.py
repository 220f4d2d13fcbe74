"""Case studies and the capstone plan in the browser.

A keyboard learner decides a case study stage by stage: each choice reveals only
its own consequence (and the course's recommendation), the next stage appears,
and the debrief comes last; the decisions survive a reload. A learner writes a
Community Action Plan, is told what is missing, submits it and downloads the
PDF; markup typed into the plan stays text. axe-core checks each state.
"""
import pytest

from tests.e2e.conftest import assert_accessible, assert_visible_focus, focused, skip_module_without_browser, \
    tab_to, unlabelled_fields

skip_module_without_browser()

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def first_topic():
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    return get_curriculum().topics[0]


def decide_by_keyboard(page, form, choice_id):
    """Tab into the stage's radio group, arrow to choice_id, then Tab to Decide and press Enter."""
    radios = form.locator("input[type=radio]")
    tab_to(page, radios.first)
    ids = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
    for _ in range(len(ids) * 2):
        current = page.evaluate("() => document.activeElement.value")
        if current == choice_id:
            break
        page.keyboard.press("ArrowDown" if ids.index(choice_id) > ids.index(current) else "ArrowUp")
    page.keyboard.press("Space")
    assert form.locator(f'input[value="{choice_id}"]').is_checked()
    button = form.get_by_role("button", name="Decide")
    tab_to(page, button)
    assert_visible_focus(page, "the Decide button")
    page.keyboard.press("Enter")


def test_a_keyboard_learner_decides_a_case_study_stage_by_stage(context, page, server, first_topic, screenshots):
    scenario = first_topic.scenarios[0]
    page.goto(server.scenario(f"elsx_topic.{first_topic.number}", "case-walker"))
    case = page.locator(f'section[data-scenario-id="{scenario.id}"]')
    case.wait_for()
    assert_accessible(page, "case study, before any decision")
    assert unlabelled_fields(page) == []
    # Only the first decision is in the page: no consequence, no later stage, no debrief.
    page_html = page.content()
    for stage in scenario.stages:
        for choice in stage.choices:
            assert choice.consequence[:50] not in page_html
    assert scenario.stages[1].situation[:50] not in page_html

    first = scenario.stages[0]
    wrong = next(c for c in first.choices if not c.recommended)
    decide_by_keyboard(page, case.locator(f'form[data-stage-id="{first.id}"]'), wrong.id)
    decided = case.locator(f'[data-stage-id="{first.id}"].elsx-case__stage--decided')
    decided.wait_for()
    assert wrong.consequence[:50] in decided.inner_text()
    assert "The course recommends:" in decided.inner_text()
    assert focused(page)["tag"] == "h4", "the focus did not move to the decided stage"
    # The next stage's choices appear, still without their consequences.
    second = scenario.stages[1]
    case.locator(f'form[data-stage-id="{second.id}"]').wait_for()
    for choice in second.choices:
        assert choice.consequence[:50] not in case.inner_text()
    assert_accessible(page, "case study, after the first decision")
    screenshots.element(case, "case-study.png")

    # Deciding without choosing says so and stores nothing.
    case.locator(f'form[data-stage-id="{second.id}"]').get_by_role("button", name="Decide").click()
    error = page.locator('.elsx-topic [data-region="error"]')
    error.wait_for(state="visible")
    assert "Choose one of the options" in error.inner_text()

    for stage in scenario.stages[1:]:
        recommended = next(c for c in stage.choices if c.recommended)
        decide_by_keyboard(page, case.locator(f'form[data-stage-id="{stage.id}"]'), recommended.id)
        case.locator(f'[data-stage-id="{stage.id}"].elsx-case__stage--decided').wait_for()
    debrief = case.locator(".elsx-case__debrief")
    debrief.wait_for()
    assert "Debrief" in debrief.inner_text()
    assert_accessible(page, "case study, all stages decided")

    page.reload()
    page.locator(f'section[data-scenario-id="{scenario.id}"] .elsx-case__debrief').wait_for()
    assert page.locator(f'section[data-scenario-id="{scenario.id}"] form[data-scenario-form]').count() == 0
    assert context.dialogs == []


def fill_plan(plan_root, goals=3):
    for key, status in (("executive_training", "met"), ("policy", "partly"), ("personnel_training", "not_met")):
        criterion = plan_root.locator(f'fieldset[data-criterion="{key}"]')
        criterion.locator('[data-field="status"]').select_option(status)
        criterion.locator('[data-field="evidence"]').fill(f"Evidence for {key}: policy dated 2019")
    for number in range(1, goals + 1):
        goal = plan_root.locator(f'fieldset[data-goal="{number}"]')
        for name, text in (("goal", f"Goal {number}: all telecommunicators trained"), ("owner", "Deputy Chief Ruiz"),
                           ("timeline", "By month 10"), ("resources", "40 on-duty hours"),
                           ("partners", "County PSAP"), ("measure", "60% trained today; 100% by month 10")):
            goal.locator(f'[data-field="{name}"]').fill(text)
    part = plan_root.locator('fieldset[data-part="communication"]')
    part.locator('[data-field="personnel"]').fill("Roll-call briefings in month 1")
    part.locator('[data-field="partners"]').fill("Quarterly MDT updates")
    part.locator('[data-field="community"]').fill("Council report every quarter")
    part.locator('[data-field="first_review"]').fill("2027-03-01")


def test_a_learner_writes_submits_and_downloads_the_community_action_plan(context, page, server, screenshots):
    page.goto(server.scenario("elsx_topic.10", "planner"))
    capstone = page.locator(".elsx-capstone")
    capstone.wait_for()
    assert_accessible(page, "capstone plan, empty")
    assert unlabelled_fields(page, ".elsx-capstone") == []

    # Markup typed into the plan is text, never markup.
    fill_plan(capstone, goals=2)
    evil = '<img src=x onerror="alert(1)">'
    capstone.locator('fieldset[data-goal="1"] [data-field="owner"]').fill(evil)
    capstone.get_by_role("button", name="Save draft").click()
    message = capstone.locator('[data-region="plan-message"]')
    message.get_by_text("Draft saved.").wait_for()
    assert focused(page)["region"] == "plan-message"
    assert capstone.locator('fieldset[data-goal="1"] [data-field="owner"]').input_value() == evil
    assert capstone.locator("img").count() == 0

    # Submitting two goals is refused with what is missing; the saved draft is untouched.
    capstone.get_by_role("button", name="Submit for review").click()
    message.get_by_text("Write at least 3 goals").wait_for()
    assert capstone.locator('[data-region="error"]').is_visible()
    assert_accessible(page, "capstone plan, incomplete submission refused")

    fill_plan(capstone, goals=3)
    capstone.get_by_role("button", name="Submit for review").click()
    message.get_by_text("Submitted for review.").wait_for()
    assert capstone.get_by_text("Submitted for review on").is_visible()
    assert capstone.locator('fieldset[data-goal="1"] [data-field="goal"]').is_disabled()
    assert_accessible(page, "capstone plan, submitted")
    screenshots.element(capstone, "capstone-plan.png", max_height=1400)

    with page.expect_download() as download_info:
        capstone.get_by_role("link", name="Download the plan (PDF)").click()
    data = open(download_info.value.path(), "rb").read()
    assert data.startswith(b"%PDF") and download_info.value.suggested_filename == "community-action-plan.pdf"

    capstone.get_by_role("button", name="Withdraw to edit").click()
    message.get_by_text("Withdrawn").wait_for()
    assert not capstone.locator('fieldset[data-goal="1"] [data-field="goal"]').is_disabled()
    assert context.dialogs == []
