"""Workbench scenarios: the whole course, and one scenario per topic."""
from xml.sax.saxutils import escape, quoteattr

from elsx import conf
from elsx.curriculum import get_curriculum


def _topic_xml(topic):
    return f"<elsx_topic topic_id={quoteattr(topic.id)} display_name={quoteattr(topic.title)}/>"


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


def _block_installed(name):
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
