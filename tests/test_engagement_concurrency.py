"""Heartbeats at once lose nothing and never count twice. Also run on MariaDB by `make test-mysql`."""
import threading
from datetime import datetime, timedelta, timezone as tz
from types import SimpleNamespace

import pytest

from elsx.curriculum import get_curriculum
from elsx.engagement import api, clock
from elsx.engagement.models import EngagementClock
from elsx.models import TopicProgress
from tests.conftest import COURSE
from tests.test_progress_concurrency import run_threads

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]
START = datetime(2026, 3, 2, 9, 0, tzinfo=tz.utc)


def learner(learner_id):
    return SimpleNamespace(id=learner_id, is_anonymous=False, is_staff=False, full_name="", email="", username="")


@pytest.fixture
def thread_clock():
    """Each thread's own injected time (a learner's beats arrive in order; learners race each other)."""
    local = threading.local()
    undo = clock.use(lambda: getattr(local, "now", START))
    yield local
    undo()


def test_twenty_tabs_beating_at_the_same_instant_credit_one_period(thread_clock):
    topics = get_curriculum().topics
    who = learner("tabs")
    api.heartbeat(COURSE, who, topics[0])  # starts the clock at START
    results = []

    def tab(index):
        thread_clock.now = START + timedelta(seconds=30)
        results.append(api.heartbeat(COURSE, who, topics[index % 3]))

    assert run_threads(20, tab) == []
    assert sorted(beat.credited for beat in results) == [0] * 19 + [30]
    assert {beat.result for beat in results} <= {api.ACCEPTED, api.TOO_SOON, api.CONCURRENT}
    assert EngagementClock.objects.get(learner_id="tabs").seconds == 30
    assert sum(TopicProgress.objects.filter(learner_id="tabs").values_list("engaged_seconds", flat=True)) == 30


def test_twenty_learners_beating_together_get_every_second_the_rules_allow(thread_clock):
    topics = get_curriculum().topics

    def learner_beats(index):
        who, topic = learner(f"racer-{index}"), topics[index % len(topics)]
        thread_clock.now = START
        api.heartbeat(COURSE, who, topic)
        for _ in range(10):
            thread_clock.now += timedelta(seconds=30)
            api.heartbeat(COURSE, who, topic)

    assert run_threads(20, learner_beats) == []
    rows = dict(TopicProgress.objects.filter(learner_id__startswith="racer-").values_list("learner_id",
                                                                                        "engaged_seconds"))
    assert rows == {f"racer-{index}": 300 for index in range(20)}
    assert set(EngagementClock.objects.filter(learner_id__startswith="racer-").values_list("seconds", flat=True)) == {300}
