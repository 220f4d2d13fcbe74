"""Workbench scenarios: the whole course, and one scenario per topic."""
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from elsx import conf
from elsx.capstone.api import ACTIVITY_ID as CAPSTONE_ACTIVITY
from elsx.curriculum import get_curriculum


def _topic_xml(topic):
    xml = f"<elsx_topic topic_id={quoteattr(topic.id)} display_name={quoteattr(topic.title)}/>"
    # The capstone topic's plan builder sits right after it, as in the course export (elsx.olx).
    if any(activity.id == CAPSTONE_ACTIVITY for activity in topic.activities) and _block_installed("elsx_capstone"):
        xml += "<elsx_capstone/>"
    return xml


def whole_course_xml(curriculum=None):
    curriculum = curriculum or get_curriculum()
    parts = ["<vertical_demo>", "<elsx_progress/>"]
    if _block_installed("elsx_certificate"):
        parts.append("<elsx_certificate/>")
    for week in curriculum.weeks:
        # One group per week with a heading, as the LMS's chapters would show.
        heading = escape(f"Week {week.number}: {week.title}")
        parts.append(f"<vertical_demo><html_demo><h2 class=\"elsx-weekhead\">{heading}</h2></html_demo>")
        parts.extend(_topic_xml(topic) for topic in week.topics)
        parts.append("</vertical_demo>")
    if conf.get("COMMISSION"):
        # After the ten topics, as in the exported course (elsx.olx).
        parts.append("<vertical_demo><html_demo><h2 class=\"elsx-weekhead\">Final assessment and course "
                     "evaluation</h2></html_demo><elsx_final/><elsx_evaluation/></vertical_demo>")
    parts.append("</vertical_demo>")
    return "".join(parts)


@lru_cache(maxsize=None)
def _block_installed(name):
    # Cached: each look-up scans every installed distribution's entry points, and the workbench
    # builds its scenarios on the first request, which must stay quick.
    from xblock.core import XBlock
    from xblock.plugin import PluginMissingError
    try:
        XBlock.load_class(name)
    except PluginMissingError:
        return False
    return True


def topic_scenarios():
    curriculum = get_curriculum()
    scenarios = [("ELSX 0. The whole course (learner view)", whole_course_xml(curriculum))]
    for topic in curriculum.topics:
        scenarios.append((f"ELSX {topic.number}. {topic.title}",
                          f"<vertical_demo><elsx_progress/>{_topic_xml(topic)}</vertical_demo>"))
    return scenarios
