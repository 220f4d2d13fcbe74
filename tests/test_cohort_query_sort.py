"""Cohort sorts, exact order: status, a topic's column, the certificate and the name, both ways.

Names run against the expected order (the first expected is "Zulu"), so two ranks that collapsed into
one would fall back to the name and show (issue 10: no test sorted by these columns)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from elsx import progress
from elsx.cohort import query
from elsx.cohort.params import GridParams
from elsx.curriculum import get_curriculum
from elsx.learners import Learner
from elsx.models import Certificate
from tests.cohort_helpers import COURSE, add_learner, first_topics, schedule

pytestmark = pytest.mark.django_db

NAMES = ["Zulu", "Yankee", "X-ray", "Whiskey", "Victor", "Uniform"]


def order(sched, **params):
    return [row.learner_id for row in query.grid_page(COURSE, GridParams(**params), sched).rows]


def test_status_sort_puts_who_needs_attention_first():
    sched = schedule(24)  # week 4: six topics due
    every = tuple(get_curriculum().topic_ids())
    long_ago = timezone.now() - timedelta(days=10)
    expected = ["behind-inactive", "behind", "on-track-inactive", "on-track", "completed", "certified"]
    add_learner("behind-inactive", full_name=NAMES[0], done=first_topics(1), last_activity=long_ago)
    add_learner("behind", full_name=NAMES[1], done=first_topics(1))
    add_learner("on-track-inactive", full_name=NAMES[2], done=first_topics(6), last_activity=long_ago)
    add_learner("on-track", full_name=NAMES[3], done=first_topics(6))
    add_learner("completed", full_name=NAMES[4], done=every)
    add_learner("certified", full_name=NAMES[5], done=every, certificate="valid")
    assert order(sched, sort="status") == expected
    assert order(sched, sort="status", dir="desc") == expected[::-1]


def test_a_topic_column_sorts_not_started_then_in_progress_then_done():
    sched = schedule(24)
    topic = get_curriculum().topic(first_topics(2)[1])
    add_learner("untouched", full_name=NAMES[0], done=first_topics(1))
    opened = add_learner("opened", full_name=NAMES[1], done=first_topics(1))
    who = Learner(id=opened.learner_id, full_name=opened.full_name, email=opened.email, username=opened.username)
    progress.view_section(COURSE, who, topic, topic.sections[0].id)
    add_learner("done", full_name=NAMES[2], done=first_topics(2))
    expected = ["untouched", "opened", "done"]
    assert order(sched, sort=f"topic:{topic.id}") == expected
    assert order(sched, sort=f"topic:{topic.id}", dir="desc") == expected[::-1]


def test_certificate_sort_valid_then_revoked_then_none_and_by_number_within():
    sched = schedule(24)
    every = tuple(get_curriculum().topic_ids())
    add_learner("valid-1", full_name=NAMES[0], done=every, certificate="valid")
    add_learner("valid-2", full_name=NAMES[1], done=every, certificate="valid")
    add_learner("revoked", full_name=NAMES[2], done=every, certificate="revoked")
    add_learner("none", full_name=NAMES[3], done=every)
    numbers = dict(Certificate.objects.filter(status=Certificate.STATUS_VALID).values_list("learner_id", "number"))
    valid = sorted(["valid-1", "valid-2"], key=numbers.get)  # within a rank: by number
    expected = valid + ["revoked", "none"]
    assert order(sched, sort="certificate") == expected
    assert order(sched, sort="certificate", dir="desc") == ["none", "revoked"] + valid[::-1]


def test_name_sort_both_ways_with_the_row_breaking_ties():
    sched = schedule(24)
    for learner_id in ("b", "a", "c"):
        add_learner(learner_id, full_name="Same Name")
    add_learner("d", full_name="Another")
    # Same names: the row's id (the order they joined), so pages never overlap.
    assert order(sched) == ["d", "b", "a", "c"]
    assert order(sched, dir="desc") == ["c", "a", "b", "d"]


def test_a_rows_derived_fields():
    """What the grid and the exports print from a row: engaged time, the role's label, the number as shown."""
    from elsx.certificates import numbers  # pylint: disable=import-outside-toplevel
    from elsx.models import ROLE_CHOICES  # pylint: disable=import-outside-toplevel
    sched = schedule(24)
    every = tuple(get_curriculum().topic_ids())
    add_learner("certified", full_name=NAMES[0], done=every, certificate="valid", role="le_executive")
    add_learner("none", full_name=NAMES[1], done=first_topics(2), role="")
    # Engaged time is earned through heartbeats (tests/test_engagement.py); here only the row's sum is tested.
    from elsx.models import TopicProgress  # pylint: disable=import-outside-toplevel
    for seconds, topic_id in zip((60, 125), every[:2]):
        TopicProgress.objects.filter(learner_id="certified", topic_id=topic_id).update(engaged_seconds=seconds)
    rows = {row.learner_id: row for row in query.grid_page(COURSE, GridParams(), sched).rows}
    certified, none = rows["certified"], rows["none"]
    number = Certificate.objects.get(learner_id="certified").number
    assert certified.certificate_number == number and certified.certificate_display == numbers.display(number)
    assert certified.certificate_display != number  # grouped for reading
    assert none.certificate_number == "" and none.certificate_status == ""
    assert certified.role_label == str(dict(ROLE_CHOICES)["le_executive"]) and none.role_label == ""
    assert certified.engaged_seconds == 185


@pytest.mark.parametrize("number,total,expected", [
    # (pages, first, last, has_previous, has_next)
    (1, 0, (1, 0, 0, False, False)),
    (1, 25, (1, 1, 25, False, False)),
    (1, 26, (2, 1, 25, False, True)),
    (2, 26, (2, 26, 26, True, False)),
    (2, 75, (3, 26, 50, True, True)),
    (3, 75, (3, 51, 75, True, False)),
])
def test_page_arithmetic_at_its_boundaries(number, total, expected):
    page = query.Page(rows=[], number=number, page_size=25, total=total)
    assert (page.pages, page.first, page.last, page.has_previous, page.has_next) == expected


def test_an_empty_cohort_is_page_1_of_1_whatever_page_was_asked():
    page = query.grid_page(COURSE, GridParams(page=3), schedule(24))
    assert (page.rows, page.number, page.pages, page.has_previous, page.has_next) == ([], 1, 1, False, False)


def test_emails_are_distinct_and_sorted():
    sched = schedule(24)
    add_learner("b", email="shared@example.org")
    add_learner("a", email="shared@example.org")  # two accounts, one mailbox: listed once
    add_learner("c", email="chief@example.org")
    add_learner("d", email="")
    assert query.emails(COURSE, GridParams(), sched) == ["chief@example.org", "shared@example.org"]


@pytest.mark.parametrize("learner_id", ["\ud800", "a\x00b", "", 7, None])
def test_a_learner_id_the_database_cannot_hold_is_not_found(learner_id):
    from elsx.errors import NotFound  # pylint: disable=import-outside-toplevel
    add_learner("a")
    with pytest.raises(NotFound):
        query.learner_detail(COURSE, learner_id, schedule(24))
