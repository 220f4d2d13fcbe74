"""Topics as block fields: the curriculum topic, with any edits an author made in Studio.

A topic block stores only what an author changed; everything else comes from
the curriculum file named by its topic_id.
"""
from decimal import Decimal, InvalidOperation

from elsx.curriculum import Option, Question, Section, Topic, get_curriculum
from elsx.sanitize import clean_html

OVERRIDE_FIELDS = ("title", "summary", "hours", "objectives", "sections", "questions", "reflection_prompt")


def topic_to_fields(topic):
    """Plain data (for block fields, Studio and OLX) from a Topic."""
    return {
        "title": topic.title,
        "summary": topic.summary,
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
    }


def _hours(raw, fallback):
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return fallback
    return value if value.is_finite() and value > 0 else fallback


def apply_overrides(base, overrides):
    """A Topic from a curriculum topic (or a blank one) and the author's non-empty fields."""
    values = topic_to_fields(base) if base is not None else {}
    values.update({key: value for key, value in overrides.items() if value not in (None, "", [], {})})
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
        week=base.week if base is not None else 0,
        number=base.number if base is not None else 0,
        source=base.source if base is not None else "",
    )


def topic_for(topic_id, overrides=None):
    """The effective topic for a block, or None when topic_id names no curriculum topic."""
    base = get_curriculum().topic(topic_id)
    if base is None:
        return None
    if not overrides or not any(overrides.get(key) not in (None, "", [], {}) for key in OVERRIDE_FIELDS):
        return base
    return apply_overrides(base, overrides)
