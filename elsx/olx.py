"""OLX for elsx: the topic block's readable XML form, and the whole course as an Open edX export.

A topic block writes its short fields as attributes and its long or list
fields as child elements (the XBlock default would write lists as JSON
attributes, which nobody can review in a diff):

    <elsx_topic topic_id="media-relations" pass_mark="80" hours="1.0" week="3" title="Media Relations">
      <summary>...</summary>
      <objectives><objective>...</objective></objectives>
      <sections><section id="..." title="..."><![CDATA[<p>...</p>]]></section></sections>
      <questions>
        <question id="q1"><prompt>...</prompt><option id="a" correct="true">...</option>
          <explanation>...</explanation></question>
      </questions>
      <reflection_prompt>...</reflection_prompt>
      <scenarios><scenario id="..." title="..." minutes="15">...</scenario></scenarios>
    </elsx_topic>

The course export follows the layout Studio writes and imports: course.xml
pointing at course/<run>.xml, chapter/, sequential/ and vertical/ files, and
policies/<run>/{policy,grading_policy}.json. elsx blocks sit inline in their
vertical, which every Open edX release parses.
"""
import io
import json
import tarfile
from xml.sax.saxutils import escape

from lxml import etree

from elsx import conf
from elsx.authoring import topic_to_fields
from elsx.curriculum import DISCUSSIONS_FILE, START_HERE_FILE, load_discussions, load_start_here
from elsx.resources import curriculum_dir

CHILD_FIELDS = ("summary", "objectives", "sections", "questions", "reflection_prompt", "scenarios")
GRADED_FORMAT = "Knowledge Check"
# The certificate block's url_name in the course package: the progress block links to it.
CERTIFICATE_URL_NAME = "certificate-area"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
BLOCK_TYPES = {"topic": "elsx_topic", "progress": "elsx_progress", "certificate": "elsx_certificate",
               "cohort": "elsx_cohort", "capstone": "elsx_capstone", "readiness": "elsx_readiness"}
CAPSTONE_ACTIVITY = "community-action-plan"  # elsx.capstone.api.ACTIVITY_ID, without importing its models
# With ELSX["COMMISSION"]: the summative final and the course evaluation (docs/commission.md).
COMMISSION_BLOCK_TYPES = {"final": "elsx_final", "evaluation": "elsx_evaluation"}
FINAL_FORMAT = "Final Assessment"
# The gradebook weights with the final: the checks stay formative, the final carries the grade.
COMMISSION_WEIGHTS = {"checks": 0.25, "final": 0.75}
BUILTIN_TYPES = frozenset({"course", "chapter", "sequential", "vertical"})
PLATFORM_TYPES = frozenset({"html", "discussion"})  # leaf blocks edx-platform itself provides
START_HERE = "start-here"


# --- one topic block ---------------------------------------------------------

def _text_element(parent, tag, text, **attrs):
    element = etree.SubElement(parent, tag, {key: value for key, value in attrs.items() if value is not None})
    element.text = text
    return element


def _body(text):
    # CDATA keeps section HTML readable; it cannot hold "]]>", which plain text escapes fine.
    return etree.CDATA(text) if text and "]]>" not in text else text


def write_children(node, values):
    """Add the long and list fields in values (name -> value) to node as child elements."""
    if values.get("summary"):
        _text_element(node, "summary", values["summary"])
    if values.get("objectives"):
        container = etree.SubElement(node, "objectives")
        for objective in values["objectives"]:
            _text_element(container, "objective", str(objective))
    if values.get("sections"):
        container = etree.SubElement(node, "sections")
        for section in values["sections"]:
            _text_element(container, "section", _body(str(section.get("body_html", ""))),
                          id=str(section.get("id", "")), title=str(section.get("title", "")))
    if values.get("questions"):
        container = etree.SubElement(node, "questions")
        for question in values["questions"]:
            element = etree.SubElement(container, "question", id=str(question.get("id", "")))
            _text_element(element, "prompt", str(question.get("prompt", "")))
            for option in question.get("options", []):
                _text_element(element, "option", str(option.get("text", "")), id=str(option.get("id", "")),
                              correct="true" if option.get("correct") else None)
            _text_element(element, "explanation", str(question.get("explanation", "")))
    if values.get("reflection_prompt"):
        _text_element(node, "reflection_prompt", values["reflection_prompt"])
    if values.get("scenarios"):
        # Case studies as real <scenario> elements (modules/README.md), so a course export diff is readable.
        container = etree.SubElement(node, "scenarios")
        for text in values["scenarios"]:
            try:
                container.append(etree.fromstring(str(text).encode("utf-8"), _SAFE_PARSER))
            except etree.XMLSyntaxError:
                _text_element(container, "scenario_text", str(text))  # kept verbatim; validate() names the problem


def _strip(element):
    return (element.text or "").strip() if element is not None else ""


def read_children(node):
    """(field values, the child elements they came from) for the fields write_children writes."""
    values, used = {}, []
    for child in node:
        if not isinstance(child.tag, str) or child.tag not in CHILD_FIELDS:
            continue
        used.append(child)
        if child.tag in ("summary", "reflection_prompt"):
            values[child.tag] = _strip(child)
        elif child.tag == "objectives":
            values["objectives"] = [_strip(item) for item in child.iterchildren("objective")]
        elif child.tag == "scenarios":
            values["scenarios"] = [etree.tostring(item, encoding="unicode", with_tail=False).strip()
                                   if item.tag == "scenario" else _strip(item)
                                   for item in child if isinstance(item.tag, str)]
        elif child.tag == "sections":
            values["sections"] = [
                {"id": item.get("id", ""), "title": item.get("title", ""), "body_html": _strip(item)}
                for item in child.iterchildren("section")
            ]
        else:
            values["questions"] = [_question(item) for item in child.iterchildren("question")]
    return values, used


def _question(element):
    return {
        "id": element.get("id", ""),
        "prompt": _strip(element.find("prompt")),
        "explanation": _strip(element.find("explanation")),
        "options": [{"id": option.get("id", ""), "text": _strip(option),
                     "correct": option.get("correct", "false").strip().lower() == "true"}
                    for option in element.iterchildren("option")],
    }


def topic_node(topic, embed_content=False, pass_mark=None):
    """An <elsx_topic> for the course package: url_name is the topic id, so jump_to_id/<topic_id> works."""
    node = etree.Element(BLOCK_TYPES["topic"], url_name=topic.id, display_name=topic.title, topic_id=topic.id,
                         pass_mark=str(pass_mark or conf.get("PASS_MARK_DEFAULT")))
    if embed_content:
        values = topic_to_fields(topic)
        node.set("title", values["title"])
        node.set("hours", values["hours"])
        write_children(node, values)
    return node


# --- the course package ------------------------------------------------------

def _xml(element):
    return etree.tostring(element, encoding="utf-8", xml_declaration=False, pretty_print=True)


def _pointer(parent, tag, url_name):
    etree.SubElement(parent, tag, url_name=url_name)


def _json(data):
    return (json.dumps(data, indent=4, sort_keys=True) + "\n").encode("utf-8")


def course_files(curriculum, org="ELSX", number=None, run="2026", start="2026-01-01T00:00:00Z",
                 embed_content=False, title=None, commission=None):
    """Every file of an Open edX course export, as {relative path: bytes}."""
    commission = conf.get("COMMISSION") if commission is None else commission
    block_types = dict(BLOCK_TYPES, **(COMMISSION_BLOCK_TYPES if commission else {}))
    number = number or conf.get("COURSE_NUMBER")
    title = title or conf.get("COURSE_TITLE") or curriculum.title
    files = {}
    course = etree.Element("course", display_name=title, language="en", self_paced="true", start=start)

    def unit(url_name, display_name, blocks, staff_only=False):
        vertical = etree.Element("vertical", display_name=display_name)
        if staff_only:
            vertical.set("visible_to_staff_only", "true")
        for block in blocks:
            vertical.append(block)
        files[f"vertical/{url_name}.xml"] = _xml(vertical)
        return url_name

    def subsection(url_name, display_name, units, staff_only=False, graded=False, grading_format=GRADED_FORMAT):
        sequential = etree.Element("sequential", display_name=display_name)
        if graded:
            sequential.set("format", grading_format)
            sequential.set("graded", "true")
        if staff_only:
            sequential.set("visible_to_staff_only", "true")
        for name in units:
            _pointer(sequential, "vertical", name)
        files[f"sequential/{url_name}.xml"] = _xml(sequential)
        return url_name

    def section(url_name, display_name, subsections):
        chapter = etree.Element("chapter", display_name=display_name)
        for name in subsections:
            _pointer(chapter, "sequential", name)
        files[f"chapter/{url_name}.xml"] = _xml(chapter)
        _pointer(course, "chapter", url_name)

    def block(kind, url_name, display_name):
        return etree.Element(block_types[kind], url_name=url_name, display_name=display_name)

    orientation = _start_here()
    start_here = []
    if orientation is not None:
        start_here = [subsection(f"seq-{START_HERE}", orientation.title, [
            unit(f"unit-{START_HERE}", orientation.title, [_html_pointer(files, START_HERE, orientation)])])]
    section("course-home", "Start here", start_here + [
        subsection("home-progress", "Your progress", [
            unit("unit-progress", "Your progress", [block("progress", "progress", "Your progress")])]),
        subsection("staff-cohort", "Cohort dashboard (staff only)", [
            unit("unit-cohort", "Cohort dashboard", [block("cohort", "cohort-dashboard", "Cohort dashboard")],
                 staff_only=True)], staff_only=True),
    ])
    discussions = _discussions()
    for week in curriculum.weeks:
        subsections = [
            subsection(f"seq-{topic.id}", topic.title, [
                unit(f"unit-{topic.id}", topic.title, topic_blocks(topic, embed_content))], graded=True)
            for topic in week.topics
        ]
        prompt = discussions.for_week(week.number) if discussions else None
        if prompt is not None:  # ungraded: taking part never counts toward credit
            subsections.append(subsection(f"seq-{prompt.id}", prompt.title, [
                unit(f"unit-{prompt.id}", prompt.title, discussion_blocks(files, prompt, discussions.note))]))
        section(f"week-{week.number}", f"Week {week.number}: {week.title}", subsections)
    if commission:
        section("final", "Final assessment and course evaluation", [
            subsection("final-assessment", "Final assessment", [
                unit("unit-final", "Final assessment", [block("final", "final-assessment", "Final assessment")])],
                graded=True, grading_format=FINAL_FORMAT),
            subsection("course-evaluation", "Course evaluation", [
                unit("unit-evaluation", "Course evaluation",
                     [block("evaluation", "course-evaluation", "Course evaluation")])]),
        ])
    section("certificate", "Your certificate", [
        subsection("certificate-claim", "Claim your certificate", [
            unit("unit-certificate", "Your certificate", [
                block("progress", "certificate-progress", "Your progress"),
                block("certificate", CERTIFICATE_URL_NAME, "Your certificate")])]),
    ])

    files["course.xml"] = _xml(etree.Element("course", url_name=run, org=org, course=number))
    files[f"course/{run}.xml"] = _xml(course)
    files[f"policies/{run}/policy.json"] = _json({f"course/{run}": {
        "display_name": title,
        "language": "en",
        "self_paced": True,
        "start": start,
        "advanced_modules": sorted(block_types.values()),
        # Courseware first, no course_info: the default list of xmodule/tabs.py CourseTabList.initialize_default.
        "tabs": [{"type": kind, "name": name, "course_staff_only": False}
                 for kind, name in (("courseware", "Course"), ("progress", "Progress"), ("dates", "Dates"))],
    }})
    topics = len(curriculum.topics)
    # Every topic's knowledge check counts equally; nothing is dropped.
    graders = [{"type": GRADED_FORMAT, "short_label": "KC", "min_count": topics, "drop_count": 0, "weight": 1.0}]
    if commission:
        # Beside the ten formative checks (retries, explanations shown) the summative final carries
        # most of the grade; the certificate needs the final passed whatever the weighted grade.
        graders = [dict(graders[0], weight=COMMISSION_WEIGHTS["checks"]),
                   {"type": FINAL_FORMAT, "short_label": "Final", "min_count": 1, "drop_count": 0,
                    "weight": COMMISSION_WEIGHTS["final"]}]
    files[f"policies/{run}/grading_policy.json"] = _json({
        "GRADER": graders,
        "GRADE_CUTOFFS": {"Pass": conf.get("PASS_MARK_DEFAULT") / 100},
    })
    files["policies/assets.json"] = _json({})
    files["about/overview.html"] = (
        f"<section class=\"about\"><h2>About this course</h2>"
        f"<p>{escape(title)}: {topics} topics over {len(curriculum.weeks)} weeks, "
        f"{escape(format(curriculum.hours, 'f'))} hours of in-service credit.</p>"
        + (f"<h3>Grading</h3><p>The ten knowledge checks are formative and count "
           f"{int(COMMISSION_WEIGHTS['checks'] * 100)}% of the grade; the final assessment is summative and counts "
           f"{int(COMMISSION_WEIGHTS['final'] * 100)}%. The certificate requires every topic complete, the final "
           f"assessment passed, the course evaluation submitted and the capstone accepted.</p>" if commission else "")
        + "</section>\n").encode("utf-8")
    return files


def topic_blocks(topic, embed_content=False):
    """A topic's unit: the topic block, then, where the topic has the capstone activity, the plan builder
    and the agency readiness block its readiness self-assessment prefills (staff see every agency there)."""
    blocks = [topic_node(topic, embed_content)]
    if any(activity.id == CAPSTONE_ACTIVITY for activity in topic.activities):
        blocks.append(etree.Element(BLOCK_TYPES["capstone"], url_name="community-action-plan",
                                    display_name="Your Community Action Plan"))
        blocks.append(etree.Element(BLOCK_TYPES["readiness"], url_name="agency-readiness",
                                    display_name="Your agency's readiness"))
    return blocks


def discussion_blocks(files, prompt, note=""):
    """The week's prompt as an html block, then Open edX's own inline discussion component.

    The discussion's fields (discussion_id, discussion_category, discussion_target, display_name) are
    those of the platform's DiscussionXBlock, written inline as attributes: its parse_xml reads that
    "XBlock XML format" and needs no discussion/ folder (openedx-platform xmodule/discussion_block.py).
    """
    body = prompt.body_html + (f"\n<p><em>{escape(note)}</em></p>" if note else "")
    html = _html_block(files, f"prompt-{prompt.id}", prompt.title, body)
    discussion = etree.Element("discussion", url_name=f"discussion-{prompt.id}", display_name=prompt.title,
                               discussion_id=f"elsx-{prompt.id}", discussion_category=f"Week {prompt.week}",
                               discussion_target=prompt.title)
    return [html, discussion]


def _discussions():
    if not (curriculum_dir() / DISCUSSIONS_FILE).is_file():
        return None
    return load_discussions()


def _start_here():
    if not (curriculum_dir() / START_HERE_FILE).is_file():
        return None
    return load_start_here()


def _html_pointer(files, url_name, orientation):
    """An html block in Studio's own export layout: html/<name>.xml names html/<name>.html.

    See HtmlBlockMixin.definition_to_xml in openedx-platform xmodule/html_block.py.
    """
    body = "".join(f"<h3>{escape(section.title)}</h3>\n{section.body_html}\n" for section in orientation.sections)
    if orientation.summary:
        body = f"<p>{escape(orientation.summary)}</p>\n" + body
    return _html_block(files, url_name, orientation.title, body)


def _html_block(files, url_name, display_name, body):
    files[f"html/{url_name}.xml"] = _xml(etree.Element("html", filename=url_name, display_name=display_name))
    files[f"html/{url_name}.html"] = (body.rstrip("\n") + "\n").encode("utf-8")
    return etree.Element("html", url_name=url_name)


def write_tarball(files, out, top="course"):
    """Write files into a .tar.gz under one top folder, the shape Studio's import expects.

    Sorted names and fixed times make the archive the same on every run.
    """
    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(files):
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(files[path])
            info.mtime = 0
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(files[path]))
