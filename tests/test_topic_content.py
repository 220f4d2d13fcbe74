"""The topic view shows a topic's content note, case study, capstone plan and references."""
import html as html_lib

from tests.conftest import render


def test_content_note_case_study_and_references_are_shown(make_block):
    block = make_block('<elsx_topic topic_id="emerging-trends"/>', "learner-1")
    page = render(block)
    topic = block.topic()
    assert html_lib.escape(topic.content_note, quote=True) in page or topic.content_note in page
    [scenario] = topic.scenarios
    assert f'data-scenario-id="{scenario.id}"' in page
    # Interactive: only the first decision is on the page until the learner makes it (tests/test_scenarios.py).
    assert page.count('data-stage-id="') == 1
    assert "Decide" in page and "Debrief" not in page
    assert "References" in page
    for source in topic.sources:
        assert f'href="{source.href}"' in page
    assert "National Center for Missing &amp; Exploited Children" in page
    assert "(2025)" in page  # a source's year


def test_capstone_shows_the_action_plan_activity(make_block):
    page = render(make_block('<elsx_topic topic_id="community-action-planning"/>', "learner-1"))
    assert 'data-activity-id="community-action-plan"' in page
    assert "Readiness self-assessment against the three MKRP criteria" in page


def test_topic_without_a_content_note_shows_none(make_block):
    page = render(make_block('<elsx_topic topic_id="media-relations"/>', "learner-1"))
    assert "elsx-topic__note" not in page


def test_topics_one_to_nine_end_their_case_with_an_agency_check_that_feeds_the_plan(make_block):
    from elsx.curriculum import get_curriculum
    for topic in get_curriculum().topics[:9]:
        [check] = [activity for activity in topic.activities if activity.id == "agency-check"]
        assert check.minutes == 5 and "Community Action Plan" in check.body_html, topic.id
    page = render(make_block('<elsx_topic topic_id="federal-resources"/>', "learner-1"))
    assert 'data-activity-id="agency-check"' in page and "Agency check: the verified contact roster" in page


def test_every_topic_has_genuine_material_for_its_credit_hours():
    """Credited hours x 50 minutes, by the schedule's estimate (elsx.estimates once it is on main)."""
    import re
    from html import unescape

    from elsx.curriculum import get_curriculum
    try:
        from elsx import estimates
    except ImportError:
        estimates = None
    total = 0
    for topic in get_curriculum().topics:
        if estimates is not None:
            minutes = estimates.topic_estimate(topic).minutes
        else:  # the same rule: 200 words a minute, 1.5 minutes a question, declared minutes
            words = sum(len(re.findall(r"\w+(?:[-'’]\w+)*", unescape(re.sub(r"<[^>]+>", " ", s.body_html))))
                        for s in topic.sections)
            minutes = (words / 200 + 1.5 * len(topic.questions) + topic.reflection_minutes
                       + sum(s.minutes for s in topic.scenarios) + sum(a.minutes for a in topic.activities))
        assert minutes >= float(topic.hours) * 50, (topic.id, minutes)
        total += minutes
    assert total >= 11 * 50
