"""The cohort's schedule: which week it is and how many topics are due.

The cohort start date is a block setting. Week N runs for seven days from
start + 7(N-1) and is due at the end of its last day, so its topics count as
due from start + 7N on. A learner is *behind* when they have completed fewer
topics than are due (a pace rule: topics may be done in any order, and the
count is an indexed column, so the rule is one SQL comparison). A learner is
*inactive* after 7 days without activity; one who never started becomes
inactive once the cohort is a week old.
"""
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput

INACTIVE_AFTER = timedelta(days=7)
# A cohort starts within this many years of today. Beyond it date arithmetic can overflow (9999-12-31
# plus a week), and no real cohort is that far off; a stored value out of range counts as not set.
START_YEARS = 5


def _years_from(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def start_range(today):
    return _years_from(today, -START_YEARS), _years_from(today, START_YEARS)


def parse_start(value, today=None):
    """A cohort start date from the block setting ('YYYY-MM-DD') within START_YEARS of today; None when unset."""
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        start = value
    else:
        try:
            start = date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(_("The cohort start date must look like 2026-11-02, not {value}.").format(
                value=repr(value)[:40]), field="cohort_start") from None
    low, high = start_range(today or timezone.localdate())
    if not low <= start <= high:
        raise InvalidInput(_("The cohort start date must be within {years} years of today: from {low} to {high}.")
                           .format(years=START_YEARS, low=low.isoformat(), high=high.isoformat()),
                           field="cohort_start")
    return start


@dataclass(frozen=True)
class Schedule:  # frozen: the cached properties below depend only on these fields
    start: object  # date or None
    now: datetime
    # (week number, its topics in outline order), from the curriculum
    weeks: tuple

    @classmethod
    def build(cls, start, now=None, curriculum=None):
        """InvalidInput for a start that is not a date within range; see build_or_unset."""
        curriculum = curriculum or get_curriculum()
        now = now or timezone.now()
        today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
        return cls(start=parse_start(start, today), now=now,
                   weeks=tuple((week.number, tuple(week.topics)) for week in curriculum.weeks))

    @classmethod
    def build_or_unset(cls, start, now=None, curriculum=None):
        """A stored start that is not usable (typed badly, or out of range) counts as not set: never a 500."""
        try:
            return cls.build(start, now, curriculum)
        except InvalidInput:
            return cls.build(None, now, curriculum)

    @cached_property
    def today(self):
        return timezone.localdate(self.now) if timezone.is_aware(self.now) else self.now.date()

    @cached_property
    def topics(self):
        return tuple(topic for _number, topics in self.weeks for topic in topics)

    @property
    def week_count(self):
        return len(self.weeks)

    def due_date(self, week_number):
        """The first day on which week N's topics are overdue."""
        return self.start + timedelta(days=7 * week_number)

    @cached_property
    def current_week(self):
        """0 before the start, 1..weeks while running, weeks + 1 once the schedule is over; None if unset."""
        if self.start is None:
            return None
        if self.today < self.start:
            return 0
        return min((self.today - self.start).days // 7 + 1, self.week_count + 1)

    @cached_property
    def topics_due(self):
        """How many topics should be complete by today (0 when no start date is set)."""
        if self.start is None:
            return 0
        return sum(len(topics) for number, topics in self.weeks if self.today >= self.due_date(number))

    @property
    def inactive_before(self):
        """Activity older than this makes a learner inactive."""
        return self.now - INACTIVE_AFTER

    @property
    def never_active_is_inactive(self):
        """Whether a learner with no activity at all counts as inactive yet."""
        return self.start is None or self.today >= self.start + INACTIVE_AFTER

    def pace_week(self, topics_completed):
        """The outline week a learner is in by pace: the week of their next topic; None when all are done."""
        topics = self.topics
        if topics_completed >= len(topics):
            return None
        return topics[max(topics_completed, 0)].week

    def weeks_behind(self, topics_completed):
        """Whole weeks between the learner's pace week and the last week that is due (0 if on pace)."""
        week = self.pace_week(topics_completed)
        if week is None or self.start is None:
            return 0
        return max(self.last_week_due + 1 - week, 0)

    @cached_property
    def last_week_due(self):
        if self.start is None:
            return 0
        return max((number for number, _topics in self.weeks if self.today >= self.due_date(number)), default=0)
