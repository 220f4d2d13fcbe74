"""OLX: the topic block's XML round trip, and the course package for Studio's import."""
import json
import tarfile
from importlib.metadata import entry_points

import pytest
from django.core.management import call_command
from lxml import etree
from xblock.core import XBlock
from xblock.plugin import PluginMissingError

from elsx import olx
from elsx.blocks.topic import TopicBlock
from elsx.authoring import OVERRIDE_FIELDS, SETTINGS_FIELDS, topic_to_fields
from elsx.curriculum import get_curriculum

ALL_FIELDS = SETTINGS_FIELDS + OVERRIDE_FIELDS
# Written by other engineers at the same time; checked for real once their entry points exist.
PENDING_BLOCKS = {"elsx_certificate", "elsx_cohort"}


def export(block):
    node = etree.Element("placeholder")
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode")


def set_every_field(block, topic, week):
    for name, value in topic_to_fields(topic).items():
        setattr(block, name, value)
    block.week = week
    block.display_name = f"{topic.title} (block)"
    block.pass_mark = 75
    block.save()


@pytest.mark.parametrize("topic", get_curriculum().topics, ids=lambda topic: topic.id)
def test_every_topic_round_trips_with_every_field_set(make_block, topic):
    block = make_block(f'<elsx_topic topic_id="{topic.id}"/>', "instructor")
    set_every_field(block, topic, week=(topic.week % 6) + 1)
    xml = export(block)
    root = etree.fromstring(xml)
    # Readable: lists are child elements, not JSON attributes.
    assert root.tag == "elsx_topic" and not any(root.get(name) for name in olx.CHILD_FIELDS)
    assert len(root.find("questions")) == len(topic.questions) and len(root.find("sections")) == len(topic.sections)
    assert "<![CDATA[" in xml
    parsed = make_block(xml, "instructor")
    for name in ALL_FIELDS:
        assert getattr(parsed, name) == getattr(block, name), name
    assert parsed.topic() == block.topic()


def test_unset_fields_stay_unset(make_block):
    block = make_block('<elsx_topic topic_id="emerging-trends" pass_mark="90"/>', "instructor")
    root = etree.fromstring(export(block))
    assert len(root) == 0 and root.get("pass_mark") == "90" and root.get("title") is None
    parsed = make_block(export(block), "instructor")
    assert not parsed.fields["questions"].is_set_on(parsed) and parsed.topic() == block.topic()


def test_awkward_text_survives(make_block):
    block = make_block('<elsx_topic topic_id="emerging-trends"/>', "instructor")
    values = topic_to_fields(block.topic())
    values["sections"][0]["body_html"] = "<p>Ends with ]]&gt; and ]]> &amp; \u201cquotes\u201d</p>"
    values["questions"][0]["prompt"] = "5 < 6 & \"7\" > 'four'?"
    block.sections, block.questions = values["sections"], values["questions"]
    parsed = make_block(export(block), "instructor")
    assert parsed.sections == block.sections and parsed.questions == block.questions


def test_parse_xml_takes_node_runtime_keys_as_the_platform_calls_it(make_block, monkeypatch):
    # xmodule/xml_block.py and xblock/core.py: parse_xml(cls, node, runtime, keys), no id_generator.
    import inspect
    assert list(inspect.signature(TopicBlock.parse_xml).parameters) == ["node", "runtime", "keys"]
    block = make_block('<elsx_topic topic_id="emerging-trends"/>', "instructor")
    block.questions = topic_to_fields(block.topic())["questions"]
    node = etree.fromstring(export(block))
    original = etree.tostring(node)
    seen = {}
    base = XBlock.parse_xml.__func__

    def platform_parse(cls, node, runtime, keys):
        seen["args"] = (node, runtime, keys)
        return base(cls, node, runtime, keys)

    monkeypatch.setattr(XBlock, "parse_xml", classmethod(platform_parse))
    parsed = TopicBlock.parse_xml(node, block.runtime, block.scope_ids)
    assert seen["args"][2] is block.scope_ids and parsed.questions == block.questions
    assert etree.tostring(node) == original  # the caller's tree is left as it was


# --- the course package ------------------------------------------------------------

def registered(block_type):
    try:
        XBlock.load_class(block_type)
    except PluginMissingError:
        return False
    return True


def read_tarball(path):
    with tarfile.open(path, "r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers() if member.isfile()}


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "elsx-course.tar.gz"
    call_command("elsx_export_course", str(out), "--run", "2027")
    return read_tarball(out)


def test_package_layout(package):
    assert all(name.startswith("course/") for name in package)
    files = {name[len("course/"):]: data for name, data in package.items()}
    pointer = etree.fromstring(files["course.xml"])
    assert (pointer.tag, pointer.get("url_name"), pointer.get("org"), pointer.get("course")) == \
        ("course", "2027", "ELSX", "ELS-MEC-101")
    policy = json.loads(files["policies/2027/policy.json"])["course/2027"]
    assert {"elsx_topic", "elsx_progress", "elsx_certificate", "elsx_cohort"} <= set(policy["advanced_modules"])
    tabs = [tab["type"] for tab in policy["tabs"]]
    assert tabs[0] == "courseware" and "course_info" not in tabs
    grading = json.loads(files["policies/2027/grading_policy.json"])
    assert grading["GRADER"] == [{"type": "Knowledge Check", "short_label": "KC", "min_count": 10,
                                  "drop_count": 0, "weight": 1.0}]
    assert 0 < grading["GRADE_CUTOFFS"]["Pass"] <= 1


def walk(files, tag, url_name, seen, found, parents=()):
    """Follow pointers from one block file, checking each exists; collect blocks as (tag, element, parents)."""
    path = f"{tag}/{url_name}.xml"
    assert path in files, f"{path} is referenced but missing"
    element = etree.fromstring(files[path])
    assert element.tag == tag
    found.append((tag, url_name, element, parents))
    for child in element:
        name = child.get("url_name")
        assert name, f"a <{child.tag}> in {path} has no url_name"
        assert name not in seen, f"url_name {name} is used twice"
        seen.add(name)
        if child.tag in ("chapter", "sequential", "vertical"):
            walk(files, child.tag, name, seen, found, parents + (element,))
        else:
            found.append((child.tag, name, child, parents + (element,)))


def test_package_structure(package):
    files = {name[len("course/"):]: data for name, data in package.items()}
    run = etree.fromstring(files["course.xml"]).get("url_name")
    found, seen = [], {run}
    walk(files, "course", run, seen, found)
    types = {tag for tag, *_rest in found}
    for block_type in types - olx.BUILTIN_TYPES - olx.PLATFORM_TYPES:
        pending = block_type in PENDING_BLOCKS and not entry_points(group="xblock.v1", name=block_type)
        assert pending or registered(block_type), f"{block_type} is not a registered XBlock"
    # Every block file in the package is reachable from the course.
    reachable = {f"{tag}/{name}.xml" for tag, name, *_rest in found if tag in olx.BUILTIN_TYPES}
    assert {name for name in files if name.split("/")[0] in olx.BUILTIN_TYPES} == reachable
    chapters = [element for tag, _n, element, _p in found if tag == "chapter"]
    weeks = [c.get("display_name") for c in chapters if c.get("display_name").startswith("Week ")]
    curriculum = get_curriculum()
    assert weeks == [f"Week {w.number}: {w.title}" for w in curriculum.weeks]
    topics = [(name, element, parents) for tag, name, element, parents in found if tag == "elsx_topic"]
    assert [name for name, *_rest in topics] == curriculum.topic_ids()
    for name, element, parents in topics:
        sequential = parents[-2]
        assert element.get("topic_id") == name
        assert sequential.get("graded") == "true" and sequential.get("format") == "Knowledge Check"
        week = curriculum.topic(name).week
        assert parents[-3].get("display_name").startswith(f"Week {week}:")
    by_type = {tag: (element, parents) for tag, _n, element, parents in found}
    assert "elsx_progress" in by_type and "elsx_certificate" in by_type
    cohort, cohort_parents = by_type["elsx_cohort"]
    assert cohort_parents[-1].get("visible_to_staff_only") == "true"  # the unit
    assert cohort_parents[-2].get("visible_to_staff_only") == "true"  # and its subsection


def test_start_here_is_the_first_unit(package):
    files = {name[len("course/"):]: data for name, data in package.items()}
    run = etree.fromstring(files["course.xml"]).get("url_name")
    found, seen = [], {run}
    walk(files, "course", run, seen, found)
    leaves = [(tag, name) for tag, name, *_rest in found if tag not in olx.BUILTIN_TYPES]
    assert leaves[0] == ("html", "start-here")
    pointer = etree.fromstring(files["html/start-here.xml"])
    assert pointer.get("filename") == "start-here"
    body = files["html/start-here.html"].decode("utf-8")
    assert "11 hours of in-service credit upon completion of all requirements" in body
    assert "<h3>What you must complete</h3>" in body and "<script" not in body


def test_embedded_content_parses_back_to_the_curriculum(tmp_path, make_block):
    out = tmp_path / "full.tar.gz"
    call_command("elsx_export_course", str(out), "--embed-content")
    files = read_tarball(out)
    curriculum = get_curriculum()
    for topic in curriculum.topics:
        vertical = etree.fromstring(files[f"course/vertical/unit-{topic.id}.xml"])
        node = vertical.find("elsx_topic")
        assert node.find("questions") is not None
        block = make_block(etree.tostring(node), "instructor")
        assert block.topic() == topic
        assert block.validate().messages == []


def test_export_is_reproducible(tmp_path):
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    call_command("elsx_export_course", str(first))
    call_command("elsx_export_course", str(second))
    assert read_tarball(first) == read_tarball(second)


def test_export_to_an_unwritable_path_fails_cleanly(tmp_path):
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("elsx_export_course", str(tmp_path / "missing-dir" / "x.tar.gz"))


def test_each_week_ends_with_its_discussion_prompt_as_the_platforms_discussion_component(package):
    """Six ungraded discussions (xmodule/discussion_block.py fields, inline), each after its week's topics."""
    from elsx.curriculum import load_discussions
    files = {name[len("course/"):]: data for name, data in package.items()}
    run = etree.fromstring(files["course.xml"]).get("url_name")
    found, seen = [], {run}
    walk(files, "course", run, seen, found)
    discussions = [(element, parents) for tag, _n, element, parents in found if tag == "discussion"]
    prompts = load_discussions().prompts
    assert len(discussions) == len(prompts) == 6
    ids = set()
    for (element, parents), prompt in zip(discussions, prompts):
        assert set(element.attrib) == {"url_name", "display_name", "discussion_id", "discussion_category",
                                       "discussion_target"}
        assert element.get("discussion_category") == f"Week {prompt.week}"
        assert element.get("discussion_target") == prompt.title and len(element) == 0
        ids.add(element.get("discussion_id"))
        unit, sequential, chapter = parents[-1], parents[-2], parents[-3]
        assert chapter.get("display_name").startswith(f"Week {prompt.week}:")
        assert sequential.get("graded") is None and sequential.get("format") is None  # never for credit
        assert [child.tag for child in unit] == ["html", "discussion"]
        body = files[f"html/{unit[0].get('url_name')}.html"].decode("utf-8")
        assert prompt.body_html[:60] in body and "identify a child" in body and "<script" not in body
        # The discussion comes after the week's topics.
        week_seqs = [child.get("url_name") for child in chapter]
        assert week_seqs[-1] == f"seq-{prompt.id}"
    assert len(ids) == 6
    # Credit is unchanged: still one graded Knowledge Check per topic.
    grading = json.loads(files[f"policies/{run}/grading_policy.json"])
    assert grading["GRADER"][0]["min_count"] == 10


def test_the_capstone_builder_and_agency_readiness_follow_topic_ten_in_its_unit(package):
    files = {name[len("course/"):]: data for name, data in package.items()}
    unit = etree.fromstring(files["vertical/unit-community-action-planning.xml"])
    assert [child.tag for child in unit] == ["elsx_topic", "elsx_capstone", "elsx_readiness"]
    assert registered("elsx_capstone") and registered("elsx_readiness")
    policy = json.loads(files["policies/2027/policy.json"])["course/2027"]
    assert {"elsx_capstone", "elsx_readiness"} <= set(policy["advanced_modules"])
