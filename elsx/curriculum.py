"""The course curriculum: ten topics in six weeks, loaded and validated from modules/.

Every problem in the files is reported with the file, the line and what is
wrong, all at once, as a CurriculumError; loading never shows a traceback.
Run `python -m elsx.curriculum check [DIR]` to validate a folder.
"""
import os
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lxml import etree

from elsx import sanitize
from elsx.resources import curriculum_dir

REQUIRED_HOURS = Decimal("11.0")
WEEKS = 6
MIN_OBJECTIVES = 3
MIN_QUESTIONS = 5
MIN_FINAL_QUESTIONS = 50
MIN_FINAL_PER_TOPIC = 4
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
OUTLINE_FILE = "outline.xml"
# Course-level files that live beside the topics but are not topics.
START_HERE_FILE = "start-here.xml"
FINAL_ASSESSMENT_FILE = "final-assessment.xml"
EVALUATION_FILE = "evaluation.xml"
DISCUSSIONS_FILE = "discussions.xml"
NON_TOPIC_FILES = frozenset({OUTLINE_FILE, START_HERE_FILE, FINAL_ASSESSMENT_FILE, EVALUATION_FILE,
                             DISCUSSIONS_FILE})


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    options: tuple
    explanation: str

    @property
    def correct_option_id(self):
        return next(option.id for option in self.options if option.correct)

    def option_ids(self):
        return [option.id for option in self.options]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body_html: str


@dataclass(frozen=True)
class Resource:
    title: str
    href: str


@dataclass(frozen=True)
class Source:
    """A reference a topic's facts rest on, listed for learners."""
    title: str
    href: str
    year: int = 0


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    consequence: str
    recommended: bool


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    situation: str
    choices: tuple


@dataclass(frozen=True)
class Scenario:
    """A case study: stages with choices, each choice's consequence, and a debrief."""
    id: str
    title: str
    minutes: int
    setting: str
    stages: tuple
    debrief_html: str


@dataclass(frozen=True)
class Activity:
    """A structured exercise (worksheet, plan) with the minutes it takes."""
    id: str
    title: str
    minutes: int
    body_html: str


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    summary: str
    hours: Decimal
    objectives: tuple
    sections: tuple
    questions: tuple
    reflection_prompt: str
    resources: tuple = ()
    week: int = 0
    number: int = 0
    source: str = ""
    content_note: str = ""
    sources: tuple = ()
    scenarios: tuple = ()
    activities: tuple = ()
    reflection_minutes: int = 0  # <reflection minutes="...">, for the schedule; 0 when not declared

    def section_ids(self):
        return [section.id for section in self.sections]

    def question(self, question_id):
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Week:
    number: int
    title: str
    topics: tuple


@dataclass(frozen=True)
class Curriculum:
    id: str
    title: str
    version: str
    weeks: tuple
    topics: tuple = field(default=())

    @property
    def hours(self):
        return sum((topic.hours for topic in self.topics), Decimal("0"))

    def topic(self, topic_id):
        return self._by_id().get(topic_id)

    def topic_ids(self):
        return [topic.id for topic in self.topics]

    def _by_id(self):
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {topic.id: topic for topic in self.topics}
            object.__setattr__(self, "_index", cached)
        return cached


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CurriculumError(Exception):
    """The curriculum files have problems; str() lists each with file and line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class _Reader:
    """Parses one folder, collecting problems instead of raising on the first."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.problems = []

    def problem(self, path, line, message):
        self.problems.append(Problem(Path(path).name, line or 0, message))

    def parse(self, path):
        try:
            return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        except OSError as exc:
            self.problem(path, 0, f"cannot read the file ({exc.strerror or exc})")
        except etree.XMLSyntaxError as exc:
            self.problem(path, exc.lineno, f"not well-formed XML: {exc.msg}")
        return None

    def text(self, path, parent, tag, required=True):
        child = parent.find(tag)
        value = " ".join((child.text or "").split()) if child is not None else ""
        if child is not None and len(child):
            self.problem(path, child.sourceline, f"<{tag}> must be plain text, without markup")
        if required and not value:
            self.problem(path, (child if child is not None else parent).sourceline, f"missing <{tag}>")
        return value

    def ident(self, path, element, what, seen):
        value = (element.get("id") or "").strip()
        if not value:
            self.problem(path, element.sourceline, f"{what} has no id attribute")
        elif not ID_PATTERN.match(value):
            self.problem(path, element.sourceline,
                         f"{what} id {value!r} must be lowercase letters, digits and hyphens")
        elif value in seen:
            self.problem(path, element.sourceline, f"duplicate {what} id {value!r}")
        seen.add(value)
        return value

    def topic(self, path):
        root = self.parse(path)
        if root is None:
            return None
        if root.tag != "topic":
            self.problem(path, root.sourceline, f"the root element must be <topic>, not <{root.tag}>")
            return None
        start = len(self.problems)
        topic_id = self.ident(path, root, "topic", set())
        if topic_id and topic_id != path.stem:
            self.problem(path, root.sourceline, f"topic id {topic_id!r} must match the file name {path.stem!r}")
        hours = self.hours(path, root)
        title = self.text(path, root, "title")
        summary = self.text(path, root, "summary", required=False)
        objectives = self.objectives(path, root)
        sections = self.sections(path, root)
        questions = self.questions(path, root)
        reflection = root.find("reflection")
        prompt = self.text(path, reflection, "prompt") if reflection is not None else ""
        reflection_minutes = (self.minutes_or_year(path, reflection, "minutes", 1, 240, required=False)
                              if reflection is not None else 0)
        if reflection is None:
            self.problem(path, root.sourceline, "missing <reflection> with a <prompt>")
        resources = self.resources(path, root)
        content_note = self.text(path, root, "content-note", required=False)
        sources = self.sources(path, root)
        scenario_ids, activity_ids = set(), set()
        scenarios = tuple(self.scenario(path, element, scenario_ids) for element in root.findall("scenario"))
        activities = tuple(self.activity(path, element, activity_ids) for element in root.findall("activity"))
        if len(self.problems) > start:
            return None
        return Topic(id=topic_id, title=title, summary=summary, hours=hours, objectives=objectives,
                     sections=sections, questions=questions, reflection_prompt=prompt,
                     resources=resources, source=path.name, content_note=content_note, sources=sources,
                     scenarios=scenarios, activities=activities, reflection_minutes=reflection_minutes)

    def hours(self, path, root):
        raw = root.get("credit-hours")
        try:
            hours = Decimal(raw)
        except (InvalidOperation, TypeError):
            self.problem(path, root.sourceline, f"credit-hours must be a number, not {raw!r}")
            return Decimal("0")
        if not hours.is_finite() or hours <= 0:
            self.problem(path, root.sourceline, f"credit-hours must be positive, not {raw!r}")
            return Decimal("0")
        return hours

    def objectives(self, path, root):
        container = root.find("objectives")
        items = [] if container is None else container.findall("objective")
        values = tuple(" ".join((item.text or "").split()) for item in items)
        if len(values) < MIN_OBJECTIVES:
            line = (container if container is not None else root).sourceline
            self.problem(path, line, f"needs at least {MIN_OBJECTIVES} <objective>s, found {len(values)}")
        for item, value in zip(items, values):
            if not value:
                self.problem(path, item.sourceline, "empty <objective>")
        return values

    def sections(self, path, root):
        sections, seen = [], set()
        for element in root.findall("section"):
            section_id = self.ident(path, element, "section", seen)
            title = (element.get("title") or "").strip()
            if not title:
                self.problem(path, element.sourceline, "section has no title attribute")
            body = sanitize.serialize(
                list(element),
                lambda bad, message: self.problem(path, bad.sourceline, message),
            )
            if (element.text or "").strip():
                self.problem(path, element.sourceline, "put section text inside <p> elements")
            if not body:
                self.problem(path, element.sourceline, f"section {section_id!r} has no content")
            sections.append(Section(section_id, title, body))
        if not sections:
            self.problem(path, root.sourceline, "needs at least one <section>")
        return tuple(sections)

    def questions(self, path, root):
        check = root.find("check")
        if check is None:
            self.problem(path, root.sourceline, "missing <check> (the knowledge check)")
            return ()
        seen = set()
        questions = [self.question(path, element, seen) for element in check.findall("question")]
        if len(questions) < MIN_QUESTIONS:
            self.problem(path, check.sourceline,
                         f"the knowledge check needs at least {MIN_QUESTIONS} questions, found {len(questions)}")
        return tuple(questions)

    def question(self, path, element, seen):
        question_id = self.ident(path, element, "question", seen)
        prompt = self.text(path, element, "prompt")
        explanation = self.text(path, element, "explanation")
        options, option_ids = [], set()
        for option in element.findall("option"):
            option_id = self.ident(path, option, "option", option_ids)
            text = " ".join((option.text or "").split())
            if not text:
                self.problem(path, option.sourceline, f"option {option_id!r} has no text")
            correct = option.get("correct", "false").strip().lower()
            if correct not in ("true", "false"):
                self.problem(path, option.sourceline, f'correct must be "true" or "false", not {correct!r}')
            options.append(Option(option_id, text, correct == "true"))
        if len(options) < 2:
            self.problem(path, element.sourceline, f"question {question_id!r} needs at least two options")
        correct_count = sum(option.correct for option in options)
        if correct_count == 0:
            self.problem(path, element.sourceline, f"question {question_id!r} has no correct answer")
        elif correct_count > 1:
            self.problem(path, element.sourceline,
                         f"question {question_id!r} has {correct_count} correct answers; it needs exactly one")
        return Question(question_id, prompt, tuple(options), explanation)

    def resources(self, path, root):
        container = root.find("resources")
        found = []
        for element in ([] if container is None else container.findall("resource")):
            href = sanitize.safe_href(element.get("href"))
            title = " ".join((element.text or "").split())
            if not href:
                self.problem(path, element.sourceline, "resource needs an https:// href")
            elif not title:
                self.problem(path, element.sourceline, "resource needs a title")
            else:
                found.append(Resource(title, href))
        return tuple(found)

    def sources(self, path, root):
        container = root.find("sources")
        found = []
        for element in ([] if container is None else container.findall("source")):
            href = sanitize.safe_href(element.get("href"))
            title = " ".join((element.text or "").split())
            year = self.minutes_or_year(path, element, "year", 1900, 2100, required=False)
            if not href:
                self.problem(path, element.sourceline, "source needs an https:// href")
            elif not title:
                self.problem(path, element.sourceline, "source needs a publisher and title")
            else:
                found.append(Source(title, href, year))
        return tuple(found)

    def minutes_or_year(self, path, element, name, low, high, required=True):
        raw = (element.get(name) or "").strip()
        if not raw and not required:
            return 0
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problem(path, element.sourceline, f"{name} must be a whole number from {low} to {high}, not {raw!r}")
            return 0
        return int(raw)

    def markup(self, path, element):
        if element is None:
            return ""
        if (element.text or "").strip():
            self.problem(path, element.sourceline, f"put <{element.tag}> text inside <p> elements")
        return sanitize.serialize(list(element), lambda bad, message: self.problem(path, bad.sourceline, message))

    def scenario(self, path, element, seen):
        scenario_id = self.ident(path, element, "scenario", seen)
        title = (element.get("title") or "").strip()
        if not title:
            self.problem(path, element.sourceline, "scenario has no title attribute")
        minutes = self.minutes_or_year(path, element, "minutes", 1, 240)
        setting = self.text(path, element, "setting")
        stages, stage_ids = [], set()
        for stage in element.findall("stage"):
            stage_id = self.ident(path, stage, "stage", stage_ids)
            situation = self.text(path, stage, "situation")
            choices, choice_ids = [], set()
            for choice in stage.findall("choice"):
                choice_id = self.ident(path, choice, "choice", choice_ids)
                recommended = choice.get("recommended", "false").strip().lower()
                if recommended not in ("true", "false"):
                    self.problem(path, choice.sourceline, f'recommended must be "true" or "false", not {recommended!r}')
                choices.append(Choice(choice_id, self.text(path, choice, "text"),
                                      self.text(path, choice, "consequence"), recommended == "true"))
            if len(choices) < 2:
                self.problem(path, stage.sourceline, f"stage {stage_id!r} needs at least two choices")
            if sum(choice.recommended for choice in choices) != 1:
                self.problem(path, stage.sourceline, f"stage {stage_id!r} needs exactly one recommended choice")
            stages.append(Stage(stage_id, (stage.get("title") or "").strip(), situation, tuple(choices)))
        if len(stages) < 2:
            self.problem(path, element.sourceline, f"scenario {scenario_id!r} needs at least two stages")
        debrief = self.markup(path, element.find("debrief"))
        if not debrief:
            self.problem(path, element.sourceline, f"scenario {scenario_id!r} needs a <debrief> with content")
        return Scenario(scenario_id, title, minutes, setting, tuple(stages), debrief)

    def activity(self, path, element, seen):
        activity_id = self.ident(path, element, "activity", seen)
        title = (element.get("title") or "").strip()
        if not title:
            self.problem(path, element.sourceline, "activity has no title attribute")
        minutes = self.minutes_or_year(path, element, "minutes", 1, 240)
        body = self.markup(path, element)
        if not body:
            self.problem(path, element.sourceline, f"activity {activity_id!r} has no content")
        return Activity(activity_id, title, minutes, body)

    def curriculum(self):
        outline_path = self.folder / OUTLINE_FILE
        if not self.folder.is_dir():
            raise CurriculumError([Problem(str(self.folder), 0, "the curriculum folder does not exist")])
        root = self.parse(outline_path)
        if root is None:
            raise CurriculumError(self.problems)
        course_id = (root.get("id") or "").strip() or "elsx"
        title = self.text(outline_path, root, "title")
        weeks, placed, number = [], {}, 0
        for week_element in root.findall("week"):
            raw = week_element.get("number", "")
            week_number = int(raw) if raw.strip().isdigit() else None
            if week_number is None or not 1 <= week_number <= WEEKS:
                self.problem(outline_path, week_element.sourceline,
                             f"week number must be 1 to {WEEKS}, not {raw!r}")
                continue
            if any(week.number == week_number for week in weeks):
                self.problem(outline_path, week_element.sourceline, f"week {week_number} appears twice")
                continue
            topics = []
            for ref in week_element.findall("topic"):
                topic_id = (ref.get("ref") or "").strip()
                if topic_id in placed:
                    self.problem(outline_path, ref.sourceline,
                                 f"duplicate topic id {topic_id!r}: already in week {placed[topic_id]}")
                    continue
                if not ID_PATTERN.match(topic_id):
                    self.problem(outline_path, ref.sourceline, f"topic ref {topic_id!r} is not a valid id")
                    continue
                placed[topic_id] = week_number
                topic_path = self.folder / f"{topic_id}.xml"
                if not topic_path.is_file():
                    self.problem(outline_path, ref.sourceline, f"topic {topic_id!r} has no file {topic_path.name}")
                    continue
                topic = self.topic(topic_path)
                if topic is not None:
                    number += 1
                    topics.append(_replace(topic, week=week_number, number=number))
            weeks.append(Week(week_number, (week_element.get("title") or "").strip(), tuple(topics)))
        self._check_unplaced(placed)
        weeks.sort(key=lambda week: week.number)
        all_topics = tuple(topic for week in weeks for topic in week.topics)
        curriculum = Curriculum(course_id, title, (root.get("version") or "").strip(), tuple(weeks), all_topics)
        if not self.problems:
            declared = root.get("credit-hours", str(REQUIRED_HOURS))
            if curriculum.hours != REQUIRED_HOURS:
                self.problem(outline_path, root.sourceline,
                             f"topic credit hours add up to {curriculum.hours}, not {REQUIRED_HOURS}")
            elif _decimal_or_none(declared) != REQUIRED_HOURS:
                self.problem(outline_path, root.sourceline, f"credit-hours must be {REQUIRED_HOURS}, not {declared!r}")
            if len(weeks) != WEEKS:
                self.problem(outline_path, root.sourceline, f"the outline needs {WEEKS} weeks, found {len(weeks)}")
        if self.problems:
            raise CurriculumError(self.problems)
        return curriculum

    def _check_unplaced(self, placed):
        for path in sorted(self.folder.glob("*.xml")):
            if path.name not in NON_TOPIC_FILES and path.stem not in placed:
                self.problem(path, 0, f"topic file is not placed in any week of {OUTLINE_FILE}")


    # --- the course-level files beside the topics -------------------------------

    def root_of(self, name, tag):
        path = self.folder / name
        root = self.parse(path)
        if root is not None and root.tag != tag:
            self.problem(path, root.sourceline, f"the root element must be <{tag}>, not <{root.tag}>")
            return path, None
        return path, root

    def final_assessment(self, topic_ids):
        path, root = self.root_of(FINAL_ASSESSMENT_FILE, "final_assessment")
        if root is None:
            return None
        seen, questions = set(), []
        for element in root.findall("question"):
            topic_id = (element.get("topic") or "").strip()
            if topic_id not in topic_ids:
                self.problem(path, element.sourceline, f"question names no course topic: topic={topic_id!r}")
            questions.append(FinalQuestion(topic_id, self.question(path, element, seen)))
        if len(questions) < MIN_FINAL_QUESTIONS:
            self.problem(path, root.sourceline,
                         f"the final assessment needs at least {MIN_FINAL_QUESTIONS} questions, found {len(questions)}")
        for topic_id in topic_ids:
            count = sum(item.topic == topic_id for item in questions)
            if count < MIN_FINAL_PER_TOPIC:
                self.problem(path, root.sourceline,
                             f"topic {topic_id!r} has {count} final-assessment questions; it needs {MIN_FINAL_PER_TOPIC}")
        problem = longest_answer_problem([item.question for item in questions])
        if problem:
            self.problem(path, root.sourceline, problem)
        return FinalAssessment(tuple(questions))

    def evaluation(self):
        path, root = self.root_of(EVALUATION_FILE, "evaluation")
        if root is None:
            return None
        scales = {}
        for element in root.findall("scale"):
            scale_id = self.ident(path, element, "scale", set(scales))
            points = []
            for point in element.findall("point"):
                label = " ".join((point.text or "").split())
                value = self.minutes_or_year(path, point, "value", 1, 10)
                if not label:
                    self.problem(path, point.sourceline, "every scale point needs a text label")
                points.append((value, label))
            values = [value for value, _ in points]
            if len(points) < 3 or values != sorted(set(values)):
                self.problem(path, element.sourceline,
                             f"scale {scale_id!r} needs three or more points with rising, distinct values")
            scales[scale_id] = tuple(points)
        items, seen = [], set()
        for group in root.findall("group"):
            group_title = (group.get("title") or "").strip()
            if not group_title:
                self.problem(path, group.sourceline, "group has no title attribute")
            for element in group.findall("item"):
                item_id = self.ident(path, element, "item", seen)
                scale = (element.get("scale") or "").strip()
                if scale and scale not in scales:
                    self.problem(path, element.sourceline, f"item {item_id!r} names no scale: {scale!r}")
                prompt = " ".join((element.text or "").split())
                if not prompt:
                    self.problem(path, element.sourceline, f"item {item_id!r} has no text")
                items.append(EvaluationItem(item_id, group_title, prompt, scale, scales.get(scale, ())))
        if not any(item.scale for item in items) or not any(not item.scale for item in items):
            self.problem(path, root.sourceline, "the evaluation needs rated items and at least one open comment item")
        return Evaluation(self.text(path, root, "title"), self.text(path, root, "intro", required=False),
                          tuple(items))

    def start_here(self):
        path, root = self.root_of(START_HERE_FILE, "orientation")
        if root is None:
            return None
        sections = self.sections(path, root)
        return Orientation(self.text(path, root, "title"), self.text(path, root, "summary", required=False),
                           sections)

    def discussions(self):
        path, root = self.root_of(DISCUSSIONS_FILE, "discussions")
        if root is None:
            return None
        prompts, seen, weeks = [], set(), set()
        for element in root.findall("discussion"):
            prompt_id = self.ident(path, element, "discussion", seen)
            title = (element.get("title") or "").strip()
            week = self.minutes_or_year(path, element, "week", 1, WEEKS)
            if not title:
                self.problem(path, element.sourceline, "discussion has no title attribute")
            if week in weeks:
                self.problem(path, element.sourceline, f"week {week} has two discussion prompts")
            weeks.add(week)
            body = self.markup(path, element)
            if not body:
                self.problem(path, element.sourceline, f"discussion {prompt_id!r} has no prompt")
            prompts.append(DiscussionPrompt(prompt_id, week, title, body))
        missing = sorted(set(range(1, WEEKS + 1)) - weeks)
        if missing:
            self.problem(path, root.sourceline, f"no discussion prompt for week(s) {missing}")
        note = self.text(path, root, "note", required=False)
        return Discussions(tuple(sorted(prompts, key=lambda prompt: prompt.week)), note)


@dataclass(frozen=True)
class DiscussionPrompt:
    """A weekly discussion: not a requirement for credit."""
    id: str
    week: int
    title: str
    body_html: str


@dataclass(frozen=True)
class Discussions:
    prompts: tuple
    note: str = ""

    def for_week(self, week):
        return next((prompt for prompt in self.prompts if prompt.week == week), None)


@dataclass(frozen=True)
class FinalQuestion:
    topic: str
    question: Question


@dataclass(frozen=True)
class FinalAssessment:
    """The staff-held question bank; explanations are for staff only."""
    questions: tuple

    def for_topic(self, topic_id):
        return [item.question for item in self.questions if item.topic == topic_id]


@dataclass(frozen=True)
class EvaluationItem:
    id: str
    group: str
    prompt: str
    scale: str = ""       # empty: an open comment
    points: tuple = ()    # (value, label) pairs


@dataclass(frozen=True)
class Evaluation:
    title: str
    intro: str
    items: tuple


@dataclass(frozen=True)
class Orientation:
    title: str
    summary: str
    sections: tuple


def keyed_is_longest(question):
    """Whether the correct option is strictly longer than every other option."""
    keyed = [len(option.text) for option in question.options if option.correct]
    others = [len(option.text) for option in question.options if not option.correct]
    return bool(keyed and others) and keyed[0] > max(others)


def longest_answer_problem(questions):
    """A message when the keyed option is the longest in more than half the questions (test-wise guessing)."""
    questions = list(questions)
    longest = sum(keyed_is_longest(question) for question in questions)
    if questions and longest * 2 > len(questions):
        return (f"the keyed option is the longest in {longest} of {len(questions)} questions; "
                "at most half may be, or a test-wise learner passes without reading")
    return None


def _course_file(folder, name, method, *args):
    reader = _Reader(folder or curriculum_dir())
    result = getattr(reader, method)(*args)
    if reader.problems:
        raise CurriculumError(reader.problems)
    return result


def load_final_assessment(folder=None, topic_ids=None):
    """The final-assessment bank, checked against the course's topics; raises CurriculumError."""
    if topic_ids is None:
        topic_ids = load_curriculum(folder).topic_ids()
    return _course_file(folder, FINAL_ASSESSMENT_FILE, "final_assessment", list(topic_ids))


def load_evaluation(folder=None):
    """The course evaluation items; raises CurriculumError."""
    return _course_file(folder, EVALUATION_FILE, "evaluation")


def load_start_here(folder=None):
    """The Start here orientation; raises CurriculumError."""
    return _course_file(folder, START_HERE_FILE, "start_here")


def load_discussions(folder=None):
    """The six weekly discussion prompts; raises CurriculumError."""
    return _course_file(folder, DISCUSSIONS_FILE, "discussions")


MAX_SCENARIO_XML = 50000


def parse_scenario_xml(text):
    """(Scenario or None, [problem messages]) for one <scenario> element as text (Studio and OLX)."""
    if not isinstance(text, str) or not text.strip():
        return None, ["a case study is empty"]
    if len(text) > MAX_SCENARIO_XML:
        return None, [f"a case study must be at most {MAX_SCENARIO_XML} characters of XML"]
    try:
        element = etree.fromstring(text.strip().encode("utf-8"),
                                   etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return None, [f"a case study is not well-formed XML: {exc.msg}"]
    if element.tag != "scenario":
        return None, [f"a case study must be a <scenario> element, not <{element.tag}>"]
    reader = _Reader(".")
    scenario = reader.scenario("scenario.xml", element, set())
    messages = [f"line {p.line}: {p.message}" if p.line else p.message for p in reader.problems]
    return (None if messages else scenario), messages


def scenario_to_xml(scenario):
    """The <scenario> element for a Scenario, in the curriculum's own format (parse_scenario_xml reads it)."""
    import lxml.html
    root = etree.Element("scenario", id=scenario.id, title=scenario.title, minutes=str(scenario.minutes))
    etree.SubElement(root, "setting").text = scenario.setting
    for stage in scenario.stages:
        attrs = {"id": stage.id, **({"title": stage.title} if stage.title else {})}
        stage_element = etree.SubElement(root, "stage", attrs)
        etree.SubElement(stage_element, "situation").text = stage.situation
        for choice in stage.choices:
            choice_element = etree.SubElement(stage_element, "choice", id=choice.id,
                                              **({"recommended": "true"} if choice.recommended else {}))
            etree.SubElement(choice_element, "text").text = choice.text
            etree.SubElement(choice_element, "consequence").text = choice.consequence
    debrief = etree.SubElement(root, "debrief")
    # debrief_html is sanitized HTML (elsx.sanitize); lxml.html reads it, and <br> comes out as <br/>.
    for child in lxml.html.fragment_fromstring(scenario.debrief_html or "<p></p>", create_parent="div"):
        debrief.append(child)
    return etree.tostring(root, encoding="unicode")


def lint(curriculum):
    """Course-quality problems the loader tolerates but `check` reports: guessable checks."""
    found = []
    for topic in curriculum.topics:
        problem = longest_answer_problem(topic.questions)
        if problem:
            found.append(Problem(topic.source or f"{topic.id}.xml", 0, f"knowledge check: {problem}"))
    return found


def hours_problems(curriculum):
    """An error for each topic whose estimated minutes (elsx.estimates) fall short of credited hours x 50."""
    from django.conf import settings
    if not settings.configured:  # the command line: elsx.conf's defaults are all the estimate needs
        settings.configure()
    from elsx import estimates  # pylint: disable=import-outside-toplevel
    found = []
    for topic in curriculum.topics:
        estimate = estimates.topic_estimate(topic)
        if estimate.minutes < estimate.required_minutes:
            found.append(Problem(topic.source or f"{topic.id}.xml", 0, (
                f"the estimate is {estimate.minutes:.1f} minutes, short of the {estimate.required_minutes:.0f} "
                f"that {topic.hours} credit hours need (hours x 50); add genuine material "
                "(readings, a case study, an activity), not padding")))
    return found


def _replace(topic, **changes):
    values = {name: getattr(topic, name) for name in topic.__dataclass_fields__}
    values.update(changes)
    return Topic(**values)


def _decimal_or_none(raw):
    try:
        return Decimal(raw)
    except (InvalidOperation, TypeError):
        return None


def load_curriculum(folder=None):
    """Load and validate a curriculum folder; raises CurriculumError."""
    return _Reader(folder or curriculum_dir()).curriculum()


@lru_cache(maxsize=4)
def _cached(folder):
    return load_curriculum(folder)


def get_curriculum():
    """The package's curriculum, loaded once per process."""
    return _cached(str(curriculum_dir()))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("check", "schedule"):
        print("usage: python -m elsx.curriculum check|schedule [FOLDER]", file=sys.stderr)
        return 2
    folder = argv[1] if len(argv) > 1 else curriculum_dir()
    if argv[0] == "schedule":
        from django.conf import settings
        if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
            settings.configure()  # a plain run prints the defaults' schedule (elsx.conf.DEFAULTS)
        from elsx import estimates  # the estimating lives there; this only prints
        try:
            curriculum = load_curriculum(folder)
        except CurriculumError as exc:
            print(f"The curriculum in {folder} has {len(exc.problems)} problem(s).", file=sys.stderr)
            return 1
        print(estimates.schedule_text(curriculum))
        return 0
    try:
        curriculum = load_curriculum(folder)
        problems = lint(curriculum) + hours_problems(curriculum)
        for name, load in ((FINAL_ASSESSMENT_FILE, lambda: load_final_assessment(folder, curriculum.topic_ids())),
                           (EVALUATION_FILE, lambda: load_evaluation(folder)),
                           (START_HERE_FILE, lambda: load_start_here(folder)),
                           (DISCUSSIONS_FILE, lambda: load_discussions(folder))):
            if (Path(folder) / name).is_file():
                try:
                    load()
                except CurriculumError as exc:
                    problems.extend(exc.problems)
        if problems:
            raise CurriculumError(problems)
    except CurriculumError as exc:
        print(f"The curriculum in {folder} has {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"OK: {len(curriculum.topics)} topics, {len(curriculum.weeks)} weeks, {curriculum.hours} hours")
    for name in (FINAL_ASSESSMENT_FILE, EVALUATION_FILE):
        if not (Path(folder) / name).is_file():  # optional files, but certificates wait for them by default
            print(f"note: no {name}: with ELSX['COMMISSION'] on (the default) no learner can be certified "
                  f"until the course has one (docs/commission.md)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
