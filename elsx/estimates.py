"""How long the content takes: the hourly distribution schedule's numbers.

Readings take words / READING_WPM minutes, each question QUESTION_MINUTES,
the reflection, scenarios and activities the minutes their topic file
declares (<reflection minutes="15">, <scenario minutes="20">). Plain Python and
the one source of these numbers: `python -m elsx.curriculum schedule`, the
curriculum check, the blocks' "about N minutes" and the training file's
schedule.csv all read it.
"""
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from elsx import conf

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@lru_cache(maxsize=1024)  # the heartbeat handler asks for the same sections' counts on every beat
def words(html):
    return len(_WORD.findall(unescape(_TAG.sub(" ", html or ""))))


def reading_minutes(html):
    return words(html) / float(conf.get("READING_WPM"))


def section_read_seconds(section):
    """Engaged seconds a section must be open for to count as read (0: on opening)."""
    share = float(conf.get("SECTION_READ_SHARE"))
    return math.ceil(share * reading_minutes(section.body_html) * 60) if share > 0 else 0


@dataclass(frozen=True)
class Activity:
    kind: str      # "reading", "knowledge check", "case study", "activity", "reflection"
    title: str
    minutes: float
    declared: bool = True  # False when a default stood in for a missing minutes="..."
    basis: str = ""        # how the minutes were reached, for a commission reading the schedule


@dataclass(frozen=True)
class TopicEstimate:
    topic: object
    activities: tuple

    @property
    def minutes(self):
        return sum(activity.minutes for activity in self.activities)

    @property
    def credited_minutes(self):
        return float(self.topic.hours) * 60

    @property
    def required_minutes(self):
        """What the content should back: credited hours x 50 minutes (a class hour)."""
        return float(self.topic.hours) * 50


DECLARED = "declared in the topic file"


def topic_estimate(topic):
    wpm = conf.get("READING_WPM")
    found = [Activity("reading", section.title, reading_minutes(section.body_html),
                      basis=f"{words(section.body_html)} words at {wpm} a minute") for section in topic.sections]
    if topic.questions:
        per_question = float(conf.get("QUESTION_MINUTES"))
        count = len(topic.questions)
        found.append(Activity("knowledge check", f"Knowledge check ({count} questions)", per_question * count,
                              basis=f"{count} questions at {conf.get('QUESTION_MINUTES')} minutes"))
    for scenario in getattr(topic, "scenarios", ()):
        found.append(Activity("case study", scenario.title, float(scenario.minutes), basis=DECLARED))
    for activity in getattr(topic, "activities", ()):
        found.append(Activity("activity", activity.title, float(activity.minutes), basis=DECLARED))
    declared = getattr(topic, "reflection_minutes", 0) or 0
    found.append(Activity("reflection", "Reflection", float(declared or conf.get("REFLECTION_MINUTES_DEFAULT")),
                          declared=bool(declared), basis=DECLARED if declared else "default, not declared"))
    return TopicEstimate(topic=topic, activities=tuple(found))


def minutes_text(minutes):
    """Minutes as every schedule prints them (the text and the CSV alike)."""
    return f"{minutes:.1f}"


def round_minutes(minutes):
    """For learners: to 5 minutes, at least 5 ("about 55 minutes")."""
    return max(5, int(5 * round(minutes / 5)))


def shortfalls(curriculum, tolerance=0.10):
    """Topics whose estimate falls short of credited hours x 50 minutes by more than tolerance (warnings)."""
    found = []
    for topic in curriculum.topics:
        estimate = topic_estimate(topic)
        if estimate.minutes < estimate.required_minutes * (1 - tolerance):
            found.append(f"{topic.source or topic.id}: the content takes about {estimate.minutes:.0f} minutes, "
                         f"short of {estimate.required_minutes:.0f} ({topic.hours} credit hours x 50 minutes) "
                         f"by more than {tolerance:.0%}")
    return found


def _settings_line():
    return (f"(readings at {conf.get('READING_WPM')} words a minute, {conf.get('QUESTION_MINUTES')} minutes a "
            f"question, reflections and activities as declared; * = default "
            f"{conf.get('REFLECTION_MINUTES_DEFAULT')} minutes, not declared)")


def schedule_text(curriculum):
    """The hourly distribution schedule, as plain text."""
    lines = ["Hourly distribution schedule: " + (curriculum.title if hasattr(curriculum, "title") else ""),
             _settings_line(), ""]
    total = credited = 0.0
    for week in curriculum.weeks:
        for topic in week.topics:
            estimate = topic_estimate(topic)
            lines.append(f"Week {topic.week} · Topic {topic.number}: {topic.title}  "
                         f"[{topic.hours} credit hours = {estimate.credited_minutes:.0f} min]")
            for activity in estimate.activities:
                mark = "" if activity.declared else " *"
                lines.append(f"    {activity.kind:<15} {minutes_text(activity.minutes):>6} min  {activity.title}{mark}")
            gap = estimate.minutes - estimate.required_minutes
            lines.append(f"    {'total':<15} {minutes_text(estimate.minutes):>6} min  "
                         f"(needs {estimate.required_minutes:.0f} at 50 min per credit hour; {gap:+.0f})")
            lines.append("")
            total += estimate.minutes
            credited += float(topic.hours)
    lines.append(f"Course: about {total:.0f} minutes ({total / 60:.1f} hours) of estimated work "
                 f"against {credited:.1f} credited hours ({credited * 50:.0f} minutes at 50 per hour).")
    return "\n".join(lines)


SCHEDULE_HEADER = ["week", "topic", "title", "kind", "activity", "minutes", "basis", "credit_hours",
                   "credited_minutes", "needed_minutes", "learner_estimate_minutes"]


def schedule_rows(curriculum):
    """The hourly distribution schedule as table rows (SCHEDULE_HEADER), the training file's schedule.csv.

    The same estimate as schedule_text: each activity, then per topic its total beside the credited
    minutes (hours x 60), the minutes it needs (hours x 50) and the "about N minutes" learners see.
    """
    total = credited = 0.0
    for week in curriculum.weeks:
        for topic in week.topics:
            estimate = topic_estimate(topic)
            head = [topic.week, topic.number, topic.title]
            for activity in estimate.activities:
                yield head + [activity.kind, activity.title, minutes_text(activity.minutes), activity.basis,
                              "", "", "", ""]
            yield head + ["total", "", minutes_text(estimate.minutes), "", str(topic.hours),
                          f"{estimate.credited_minutes:.0f}", f"{estimate.required_minutes:.0f}",
                          round_minutes(estimate.minutes)]
            total += estimate.minutes
            credited += float(topic.hours)
    yield ["", "", curriculum.title, "course total", "", minutes_text(total), "", f"{credited:.1f}",
           f"{credited * 60:.0f}", f"{credited * 50:.0f}", ""]
