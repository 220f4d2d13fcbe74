"""The cohort start date per course: written from the cohort block, read by the learner's progress block.

The date itself is a Scope.settings field of the cohort dashboard block, which no other block can
read; this record is a copy of its last valid value. Blocks import this module; it imports no block.
"""
from django.db import transaction

from elsx.cohort.models import CohortStart
from elsx.cohort.schedule import Schedule, parse_start


def get(course_key):
    """The recorded start (a date), or None when none is recorded."""
    return CohortStart.objects.filter(course_key=course_key).values_list("start", flat=True).first()


def record(course_key, value, today=None):
    """Store value ('YYYY-MM-DD' or a date) as the course's start; '' or None removes it.

    InvalidInput for a bad value, with nothing stored. Idempotent: an unchanged start writes nothing.
    Returns the start now recorded (None when removed).
    """
    start = parse_start(value, today)  # raises before any write
    if start is None:
        CohortStart.objects.filter(course_key=course_key).delete()
        return None
    if get(course_key) == start:
        return start
    with transaction.atomic():
        # update_or_create locks the row, and get_or_create re-reads after a concurrent insert.
        CohortStart.objects.update_or_create(course_key=course_key, defaults={"start": start})
    return start


def schedule(course_key, now=None, curriculum=None):
    """The course's schedule from the recorded start; unset (never an error) when none or out of range."""
    return Schedule.build_or_unset(get(course_key), now=now, curriculum=curriculum)
