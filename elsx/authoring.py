"""Topics as block fields: the curriculum topic, with any edits an author made in Studio.

A topic block stores only what an author changed; everything else comes from
the curriculum file named by its topic_id. This module also checks what an
author typed (Studio's editor and validate()), so the block stays thin.
"""
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import gettext_lazy

from elsx.curriculum import ID_PATTERN, MIN_OBJECTIVES, MIN_QUESTIONS, REQUIRED_HOURS, WEEKS, Option, Question, \
    Section, Topic, get_curriculum, parse_scenario_xml, scenario_to_xml
from elsx.errors import InvalidInput
from elsx.sanitize import clean_html, removed_by_cleaning
from elsx.validation import clean_text, parse_decimal, parse_int, require_keys

OVERRIDE_FIELDS = ("title", "summary", "week", "hours", "objectives", "sections", "questions", "reflection_prompt",
                   "scenarios")
SETTINGS_FIELDS = ("display_name", "topic_id", "pass_mark")
EMPTY = (None, "", [], {})


def is_set(name, value):
    """Whether an override field holds an author's value (week 0 means "as in outline.xml")."""
    if name == "week":
        return isinstance(value, int) and not isinstance(value, bool) and value != 0
    return value not in EMPTY


def topic_to_fields(topic):
    """Plain data (for block fields, Studio and OLX) from a Topic."""
    return {
        "title": topic.title,
        "summary": topic.summary,
        "week": topic.week,
        "hours": format(topic.hours, "f"),
        "objectives": list(topic.objectives),
        "sections": [{"id": s.id, "title": s.title, "body_html": s.body_html} for s in topic.sections],
        "questions": [
            {
                "id": q.id,
                "prompt": q.prompt,
                "explanation": q.explanation,
                "options": [{"id": o.id, "text": o.text, "correct": o.correct} for o in q.options],
            }
            for q in topic.questions
        ],
        "reflection_prompt": topic.reflection_prompt,
        # Case studies as <scenario> XML, the curriculum's own format: Studio and OLX edit that text.
        "scenarios": [scenario_to_xml(scenario) for scenario in topic.scenarios],
    }


@lru_cache(maxsize=512)
def _scenario(text):
    return parse_scenario_xml(text)[0]


def parsed_scenarios(texts):
    """The Scenarios in a list of <scenario> XML texts, skipping any that do not parse (problems() names them)."""
    return tuple(scenario for scenario in (_scenario(text) for text in texts or [] if isinstance(text, str))
                 if scenario is not None)


def _hours(raw, fallback):
    try:
        value = parse_decimal(raw, "hours", "")
    except InvalidInput:
        return fallback
    return value if value > 0 else fallback


def _week(raw, fallback):
    return raw if isinstance(raw, int) and 1 <= raw <= WEEKS else fallback


def apply_overrides(base, overrides):
    """A Topic from a curriculum topic (or a blank one) and the author's non-empty fields."""
    values = topic_to_fields(base) if base is not None else {}
    values.update({key: value for key, value in overrides.items() if is_set(key, value)})
    sections = tuple(
        Section(str(s.get("id", "")), str(s.get("title", "")), clean_html(str(s.get("body_html", ""))))
        for s in values.get("sections", []) if isinstance(s, dict)
    )
    questions = tuple(
        Question(
            id=str(q.get("id", "")),
            prompt=str(q.get("prompt", "")),
            explanation=str(q.get("explanation", "")),
            options=tuple(
                Option(str(o.get("id", "")), str(o.get("text", "")), bool(o.get("correct")))
                for o in q.get("options", []) if isinstance(o, dict)
            ),
        )
        for q in values.get("questions", []) if isinstance(q, dict)
    )
    return Topic(
        id=base.id if base is not None else overrides.get("id", ""),
        title=str(values.get("title", "")),
        summary=str(values.get("summary", "")),
        hours=_hours(values.get("hours"), base.hours if base is not None else Decimal("0")),
        objectives=tuple(str(o) for o in values.get("objectives", [])),
        sections=sections,
        questions=questions,
        reflection_prompt=str(values.get("reflection_prompt", "")),
        resources=base.resources if base is not None else (),
        week=_week(values.get("week"), base.week if base is not None else 0),
        number=base.number if base is not None else 0,
        source=base.source if base is not None else "",
        scenarios=parsed_scenarios(values.get("scenarios")) if is_set("scenarios", overrides.get("scenarios"))
        else (base.scenarios if base is not None else ()),
        # Not editable in Studio yet: they always come from the curriculum file.
        **{name: getattr(base, name) for name in ("content_note", "sources", "activities", "reflection_minutes")
           if base is not None},
    )


def topic_for(topic_id, overrides=None):
    """The effective topic for a block, or None when topic_id names no curriculum topic."""
    base = get_curriculum().topic(topic_id)
    if base is None:
        return None
    if not overrides or not any(is_set(key, overrides.get(key)) for key in OVERRIDE_FIELDS):
        return base
    return apply_overrides(base, overrides)


# --- checking an author's work ---------------------------------------------

ERROR = "error"
WARNING = "warning"
NO_CHANGE = {"title": "", "summary": "", "week": 0, "hours": "", "objectives": [], "sections": [], "questions": [],
             "reflection_prompt": "", "scenarios": []}
MAX_TITLE = 200
MAX_TEXT = 5000
MAX_BODY = 50000
MAX_ITEMS = 50


class Problem:
    """One thing for the author to fix. course_level problems involve other topics too."""

    def __init__(self, severity, message, course_level=False):
        self.severity, self.message, self.course_level = severity, str(message), course_level

    def __repr__(self):
        return f"Problem({self.severity!r}, {self.message!r})"


def valid_pass_mark(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100


def problems(topic_id, overrides, pass_mark, curriculum=None):
    """Everything wrong with a topic block's fields, errors first; empty when it is fine."""
    curriculum = curriculum or get_curriculum()
    found = []
    if not valid_pass_mark(pass_mark):
        found.append(Problem(ERROR, _("The pass mark must be a whole number from 1 to 100, not {value}.").format(
            value=pass_mark)))
    base = curriculum.topic(topic_id)
    if base is None:
        found.append(Problem(ERROR, _("Unknown topic id “{topic_id}”. Use one of: {ids}.").format(
            topic_id=topic_id, ids=", ".join(curriculum.topic_ids()))))
        return found
    week = overrides.get("week")
    if week not in (None, 0) and _week(week, None) is None:
        found.append(Problem(ERROR, _("The week must be from 1 to {weeks}, or 0 for the week in the outline.").format(
            weeks=WEEKS)))
    if is_set("hours", overrides.get("hours")) and _hours(overrides["hours"], None) is None:
        found.append(Problem(ERROR, _("Credit hours must be a positive number, such as 1.0.")))
    for number, text in enumerate(overrides.get("scenarios") or [], 1):
        for message in parse_scenario_xml(text)[1]:
            found.append(Problem(ERROR, _("Case study {n}: {problem}").format(n=number, problem=message)))
    topic = apply_overrides(base, overrides)
    found.extend(content_problems(topic))
    total = curriculum.hours - base.hours + topic.hours
    if total != REQUIRED_HOURS:
        found.append(Problem(ERROR, _(
            "With {hours} credit hours for this topic the course adds up to {total} hours, not {required}. "
            "Change another topic's hours to match, or set this topic back to {original}.").format(
                hours=topic.hours, total=total, required=REQUIRED_HOURS, original=base.hours), course_level=True))
    return sorted(found, key=lambda problem: problem.severity != ERROR)


def content_problems(topic):
    """Problems in a topic's own content: sections, questions, prompts."""
    found = []

    def error(message):
        found.append(Problem(ERROR, message))

    if not topic.title:
        error(_("The topic needs a title."))
    if len(topic.objectives) < MIN_OBJECTIVES:
        found.append(Problem(WARNING, ngettext("List at least {count} learning objectives; there is {found}.",
                                               "List at least {count} learning objectives; there are {found}.",
                                               len(topic.objectives)).format(
            count=MIN_OBJECTIVES, found=len(topic.objectives))))
    if not topic.sections:
        error(_("The topic needs at least one section."))
    for number, section in enumerate(topic.sections, 1):
        if not section.title:
            error(_("Section {n} has no title.").format(n=number))
        if not section.body_html:
            error(_("Section {n} (“{title}”) has no text.").format(n=number, title=section.title))
    _check_ids([s.id for s in topic.sections], error, _("Section {n}'s id “{id}” must be lowercase letters, digits "
               "and hyphens."), _("Two sections share the id “{id}”."))
    if len(topic.questions) < MIN_QUESTIONS:
        found.append(Problem(WARNING, ngettext(
            "The knowledge check should have at least {count} questions; it has {found}.",
            "The knowledge check should have at least {count} questions; it has {found}.",
            len(topic.questions)).format(count=MIN_QUESTIONS, found=len(topic.questions))))
    for number, question in enumerate(topic.questions, 1):
        if not question.prompt:
            error(_("Question {n} has no prompt.").format(n=number))
        if len(question.options) < 2:
            error(_("Question {n} needs at least two options.").format(n=number))
        correct = sum(option.correct for option in question.options)
        if correct == 0:
            error(_("Question {n} has no correct answer; mark exactly one option correct.").format(n=number))
        elif correct > 1:
            error(_("Question {n} has {count} correct answers; mark exactly one.").format(n=number, count=correct))
        if any(not option.text for option in question.options):
            error(_("Question {n} has an option without text.").format(n=number))
        if not question.explanation:
            found.append(Problem(WARNING, _("Question {n} has no explanation for learners.").format(n=number)))
        _check_ids([o.id for o in question.options], error,
                   _("In question {question}, option {n}'s id “{id}” must be lowercase letters, digits and hyphens."),
                   _("In question {question}, two options share the id “{id}”."), question=number)
    _check_ids([q.id for q in topic.questions], error, _("Question {n}'s id “{id}” must be lowercase letters, "
               "digits and hyphens."), _("Two questions share the id “{id}”."))
    if not topic.reflection_prompt:
        error(_("The topic needs a reflection prompt."))
    return found


def _check_ids(ids, error, invalid, duplicate, **names):
    """Whole sentences per kind of item, so each reads (and translates) correctly."""
    seen = set()
    for number, value in enumerate(ids, 1):
        if not ID_PATTERN.match(value or ""):
            error(invalid.format(n=number, id=value, **names))
        elif value in seen:
            error(duplicate.format(id=value, **names))
        seen.add(value)


# --- Studio's editor -----------------------------------------------------------

def editor_values(topic, display_name, pass_mark):
    """What Studio's editor starts from: the effective topic, so authors see the real content."""
    values = topic_to_fields(topic)
    values.update({"display_name": display_name, "topic_id": topic.id, "pass_mark": pass_mark})
    return values


def editor_context(topic_id, overrides, display_name, pass_mark):
    """Template context for Studio's editor, which also lists what validate() would say."""
    curriculum = get_curriculum()
    base = curriculum.topic(topic_id)
    if base is None:
        values = {"topic_id": topic_id, "display_name": display_name, "pass_mark": pass_mark}
    else:
        values = editor_values(apply_overrides(base, overrides), display_name, pass_mark)
    return {"values": values, "weeks": range(1, WEEKS + 1), "outline_week": base.week if base else 0,
            "week_override": overrides.get("week") or 0, "topic_ids": curriculum.topic_ids(),
            "problems": problems(topic_id, overrides, pass_mark, curriculum)}


def editor_changes(data, current, curriculum=None):
    """Block field values from what Studio's editor sent, or InvalidInput saying what is wrong.

    Keys the editor leaves out keep their current value. An override equal to the
    curriculum is stored empty, so later curriculum fixes still reach the block.
    Nothing is returned unless the whole result is free of errors (the course
    hours total aside, which an author fixes across two topics, one save each).
    """
    curriculum = curriculum or get_curriculum()
    require_keys(data, SETTINGS_FIELDS + OVERRIDE_FIELDS)
    changes = {}
    for name, value in data.items():
        changes[name] = _CONVERTERS[name](value)
    # An empty list would silently bring back the curriculum's; a cleared text field does so on purpose.
    for name, message in (("objectives", _("List at least one learning objective.")),
                          ("sections", _("The topic needs at least one section.")),
                          ("questions", _("The knowledge check needs at least one question."))):
        if name in changes and not changes[name]:
            raise InvalidInput(message, field=name)
    merged = dict(current, **changes)
    base = curriculum.topic(merged.get("topic_id"))
    if base is None:
        raise InvalidInput(_("Unknown topic id “{topic_id}”. Use one of: {ids}.").format(
            topic_id=merged.get("topic_id"), ids=", ".join(curriculum.topic_ids())), field="topic_id")
    original = topic_to_fields(base)
    for name in OVERRIDE_FIELDS:
        if name in changes and _same(name, changes[name], original[name]):
            changes[name] = NO_CHANGE[name]
        merged[name] = changes.get(name, merged.get(name, NO_CHANGE[name]))
    errors = [p.message for p in problems(merged["topic_id"], {k: merged.get(k) for k in OVERRIDE_FIELDS},
                                          merged.get("pass_mark"), curriculum)
              if p.severity == ERROR and not p.course_level]
    if errors:
        raise InvalidInput(_("Nothing was saved. Fix these first: {problems}").format(problems=" ".join(errors)),
                           problems=errors)
    if "display_name" in changes and not changes["display_name"]:
        changes["display_name"] = apply_overrides(base, merged).title
    return changes


def removed_html(data):
    """What the sanitizer takes out of each section the editor sent: ["Section 2: <script>, <img>"]."""
    found = []
    sections = data.get("sections") if isinstance(data, dict) else None
    for number, item in enumerate(sections if isinstance(sections, list) else [], 1):
        body = item.get("body_html") if isinstance(item, dict) else None
        removed = removed_by_cleaning(body) if isinstance(body, str) else []
        if removed:
            found.append(_("Section {n}: {removed}").format(n=number, removed=", ".join(removed)))
    return found


def _same(name, value, original):
    if name == "hours":
        return _hours(value, None) == _hours(original, None)
    if name == "scenarios":  # the same case studies, however the XML is laid out
        return len(value) == len(original) and parsed_scenarios(value) == parsed_scenarios(original)
    return value == original


def _text(field, label, max_length=MAX_TITLE, multiline=False):
    def convert(value):
        return clean_text(value, field, label, max_length=max_length, multiline=multiline, required=False)
    return convert


def _int(value, field, label, low, high, blank=None):
    if value in ("", None) and blank is not None:
        return blank
    return parse_int(value, field, label, low, high)


def _convert_hours(value):
    if value in ("", None):
        return ""
    message = _("Credit hours must be a positive number up to {max}, with at most two decimals.").format(
        max=REQUIRED_HOURS)
    hours = parse_decimal(value, "hours", message)
    if not 0 < hours <= REQUIRED_HOURS or hours.as_tuple().exponent < -2:
        raise InvalidInput(message, field="hours")
    return format(hours, "f")


def _list(value, field, label):
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise InvalidInput(_("{label} must be a list of at most {count} items.").format(
            label=label, count=MAX_ITEMS), field=field)
    return value


def _item(value, field, label, keys):
    if not isinstance(value, dict):
        raise InvalidInput(_("Each entry in {label} must be an object.").format(label=label), field=field)
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise InvalidInput(_("{label} has unknown field(s): {names}.").format(label=label, names=", ".join(unknown)),
                           field=field)
    return value


def _ident(value, fallback, field):
    value = clean_text(value, field, _("An id"), max_length=63, required=False)
    return value or fallback


def _convert_objectives(value):
    items = _list(value, "objectives", _("Learning objectives"))
    label = _("A learning objective")
    return [text for text in (_text("objectives", label, MAX_TEXT)(item) for item in items) if text]


def _convert_sections(value):
    result = []
    for number, item in enumerate(_list(value, "sections", _("Sections")), 1):
        item = _item(item, "sections", _("sections"), ("id", "title", "body_html"))
        body = item.get("body_html", "")
        if not isinstance(body, str) or len(body) > MAX_BODY:
            raise InvalidInput(_("Section {n}'s text must be at most {max} characters of HTML.").format(
                n=number, max=MAX_BODY), field="sections")
        result.append({"id": _ident(item.get("id"), f"section-{number}", "sections"),
                       "title": _text("sections", _("A section title"))(item.get("title")),
                       "body_html": clean_html(body)})
    return result


def _convert_questions(value):
    result = []
    for number, item in enumerate(_list(value, "questions", _("Questions")), 1):
        item = _item(item, "questions", _("questions"), ("id", "prompt", "explanation", "options"))
        options = []
        for index, option in enumerate(_list(item.get("options", []), "questions", _("Options")), 0):
            option = _item(option, "questions", _("options"), ("id", "text", "correct"))
            if not isinstance(option.get("correct", False), bool):
                raise InvalidInput(_("Question {n}: “correct” must be true or false.").format(n=number),
                                   field="questions")
            options.append({"id": _ident(option.get("id"), "abcdefghijklmnopqrstuvwxyz"[index % 26], "questions"),
                            "text": _text("questions", _("An option"), MAX_TEXT, True)(option.get("text")),
                            "correct": option.get("correct", False)})
        result.append({"id": _ident(item.get("id"), f"q{number}", "questions"),
                       "prompt": _text("questions", _("A question prompt"), MAX_TEXT, True)(item.get("prompt")),
                       "explanation": _text("questions", _("An explanation"), MAX_TEXT, True)(item.get("explanation")),
                       "options": options})
    return result


def _convert_scenarios(value):
    from elsx.curriculum import MAX_SCENARIO_XML
    result = []
    for number, item in enumerate(_list(value, "scenarios", _("Case studies")), 1):
        if not isinstance(item, str) or len(item) > MAX_SCENARIO_XML:
            raise InvalidInput(_("Case study {n} must be at most {max} characters of XML.").format(
                n=number, max=MAX_SCENARIO_XML), field="scenarios")
        text = clean_text(item, "scenarios", _("A case study"), max_length=MAX_SCENARIO_XML, multiline=True,
                          required=False)
        if text:
            result.append(text)
    return result


_CONVERTERS = {
    "display_name": _text("display_name", gettext_lazy("Display name")),
    "topic_id": _text("topic_id", gettext_lazy("Topic id"), 64),
    "pass_mark": lambda value: _int(value, "pass_mark", gettext_lazy("The pass mark"), 1, 100),
    "title": _text("title", gettext_lazy("Title")),
    "summary": _text("summary", gettext_lazy("Summary"), MAX_TEXT, True),
    "week": lambda value: _int(value, "week", gettext_lazy("The week"), 0, WEEKS, blank=0),
    "hours": _convert_hours,
    "objectives": _convert_objectives,
    "sections": _convert_sections,
    "questions": _convert_questions,
    "reflection_prompt": _text("reflection_prompt", gettext_lazy("Reflection prompt"), MAX_TEXT, True),
    "scenarios": _convert_scenarios,
}
