"""How long the content takes: the hourly distribution schedule's numbers.

Readings take words / READING_WPM minutes, each question QUESTION_MINUTES,
the reflection, scenarios and activities the minutes their topic file
declares (<reflection minutes="15">, <scenario minutes="20">). Plain Python:
the schedule command, curriculum check and the blocks all read it.
"""
import math
import re
from dataclasses import dataclass
from html import unescape

from elsx import conf

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


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
    kind: str      # "reading", "question", "reflection", "scenario", "activity"
    title: str
    minutes: float
    declared: bool = True  # False when a default stood in for a missing minutes="..."


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


def topic_estimate(topic):
    found = [Activity("reading", section.title, reading_minutes(section.body_html)) for section in topic.sections]
    question_minutes = float(conf.get("QUESTION_MINUTES"))
    found += [Activity("question", question.prompt[:60], question_minutes) for question in topic.questions]
    for scenario in getattr(topic, "scenarios", ()):
        found.append(Activity("scenario", scenario.title, float(scenario.minutes)))
    for activity in getattr(topic, "activities", ()):
        found.append(Activity("activity", activity.title, float(activity.minutes)))
    declared = getattr(topic, "reflection_minutes", 0) or 0
    found.append(Activity("reflection", "Reflection", float(declared or conf.get("REFLECTION_MINUTES_DEFAULT")),
                          declared=bool(declared)))
    return TopicEstimate(topic=topic, activities=tuple(found))


def round_minutes(minutes):
    """For learners: to 5 minutes, at least 5 ("about 55 minutes")."""
    return max(5, int(5 * round(minutes / 5)))
