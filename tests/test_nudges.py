"""Reminders from the dashboard's filter: template, preview, locmem delivery, throttle, opt-out, audit log."""
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from elsx import compat
from elsx.cohort import params as grid_params
from elsx.learners import Learner
from elsx.nudges import api
from elsx.nudges.models import NudgeLog
from tests.cohort_helpers import COURSE, STAFF, add_learner, cohort_xml
from tests.conftest import as_user, call

BEHIND = grid_params.GridParams(status="behind")
STAFF_LEARNER = Learner(id=STAFF, full_name="Staff", email="staff@example.org", username=STAFF, is_staff=True)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "course@example.org"


@pytest.fixture
def cohort(make_block):
    # 24 days in: week 4, topics of weeks 1-3 due.
    block = make_block(cohort_xml(), "learner-a")
    add_learner("behind-1", done=("vulnerable-populations",), full_name="Ana Ruiz", email="ana@example.org")
    add_learner("behind-2", done=(), full_name="Ben O'Neil", email="ben@example.org")
    add_learner("behind-noemail", done=(), email="")
    add_learner("on-track", done=tuple(t.id for t in block_topics()[:8]))
    return as_user(block, STAFF)


def block_topics():
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    return get_curriculum().topics


def test_preview_names_each_learner_their_next_topic_and_the_schedule(cohort):
    status, body = call(cohort, "nudge_preview", {"status": "behind"})
    assert status == 200, body
    assert body["counts"] == {"sent": 2, "no_email": 1}
    html = body["html"]
    assert "Hello Ana Ruiz," in html and "Topic 2: " in html
    assert "week 4 of 6" in html and "topics are due by today" in html
    assert "Send 2 reminders" in html and "no email address: 1 learner" in html
    assert mail.outbox == [] and NudgeLog.objects.count() == 0  # a preview sends and records nothing


def test_send_uses_the_email_backend_and_records_who_sent_what_to_whom(cohort, caplog):
    caplog.set_level(logging.INFO)
    status, body = call(cohort, "nudge_send", {"status": "behind", "page": 3, "page_size": 50})
    assert status == 200 and body["counts"] == {"sent": 2, "no_email": 1}, body
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "ben@example.org"]
    ben = next(message for message in mail.outbox if message.to == ["ben@example.org"])
    assert ben.body.startswith("Hello Ben O'Neil,") and "Topic 1: " in ben.body  # plain text, not escaped
    assert "your next topic" in ben.subject
    rows = NudgeLog.objects.order_by("learner_id")
    assert [(r.learner_id, r.outcome, r.sent_by, r.template) for r in rows] == [
        ("behind-1", "sent", STAFF, api.TEMPLATE), ("behind-2", "sent", STAFF, api.TEMPLATE)]
    assert rows[0].selection == {"status": "behind"} and rows[0].created_at is not None
    logged = caplog.text
    for private in ("ana@example.org", "Ana Ruiz", "Hello", "Topic 2"):
        assert private not in logged, private
    assert "sent=2" in logged


def test_a_second_send_within_a_week_is_throttled_and_after_a_week_is_not(cohort):
    call(cohort, "nudge_send", {"status": "behind"})
    assert len(mail.outbox) == 2
    status, body = call(cohort, "nudge_send", {"status": "behind"})
    assert body["counts"] == {"throttled": 2, "no_email": 1} and len(mail.outbox) == 2
    later = timezone.now() + timedelta(days=7, minutes=1)
    counts = api.send(COURSE, BEHIND, cohort.schedule(), by=STAFF_LEARNER, now=later)
    assert counts["sent"] == 2 and len(mail.outbox) == 4


def test_the_interval_is_configurable(cohort, settings):
    settings.ELSX = {"NUDGE_MIN_INTERVAL_DAYS": 1}
    call(cohort, "nudge_send", {"status": "behind"})
    two_days = timezone.now() + timedelta(days=2)
    assert api.send(COURSE, BEHIND, cohort.schedule(), by=STAFF_LEARNER, now=two_days)["sent"] == 2


def test_learners_who_opted_out_of_course_email_are_skipped(cohort, monkeypatch):
    monkeypatch.setattr(compat, "course_email_optouts", lambda course_key, ids: {"behind-2"} & set(ids))
    status, body = call(cohort, "nudge_send", {"status": "behind"})
    assert body["counts"] == {"sent": 1, "opted_out": 1, "no_email": 1}
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert list(NudgeLog.objects.values_list("learner_id", flat=True)) == ["behind-1"]


def test_a_failed_delivery_is_recorded_and_does_not_stop_the_batch(cohort, monkeypatch, caplog):
    real = compat.send_course_email

    def flaky(learner_id, address, *args):
        if learner_id == "behind-1":
            raise OSError(f"550 mailbox {address} unavailable")
        return real(learner_id, address, *args)
    monkeypatch.setattr(compat, "send_course_email", flaky)
    counts = call(cohort, "nudge_send", {"status": "behind"})[1]["counts"]
    assert counts == {"sent": 1, "failed": 1, "no_email": 1}
    assert "ana@example.org" not in caplog.text
    # A failure does not count against the throttle: the next send tries again.
    monkeypatch.setattr(compat, "send_course_email", real)
    assert call(cohort, "nudge_send", {"status": "behind"})[1]["counts"]["sent"] == 1


def test_nudges_are_staff_only(cohort):
    learner_view = as_user(cohort, "behind-1")
    for handler in ("nudge_preview", "nudge_send"):
        status, body = call(learner_view, handler, {"status": "behind"})
        assert status == 403 and set(body) == {"error"}, body
    assert mail.outbox == [] and NudgeLog.objects.count() == 0


def test_bad_filters_are_refused(cohort):
    status, body = call(cohort, "nudge_send", {"status": "everyone"})
    assert status == 400 and mail.outbox == []


def test_optouts_read_the_platform_bulk_email_records(monkeypatch):
    """With edx-platform present, compat asks bulk_email's Optout (user, course_id)."""
    import sys  # pylint: disable=import-outside-toplevel
    import types  # pylint: disable=import-outside-toplevel
    seen = {}

    class Rows(list):
        def values_list(self, *names, flat=False):
            return [3]

    class Manager:
        @staticmethod
        def filter(**kwargs):
            seen.update(kwargs)
            return Rows()

    models = types.ModuleType("lms.djangoapps.bulk_email.models")
    models.Optout = type("Optout", (), {"objects": Manager})
    keys = types.ModuleType("opaque_keys.edx.keys")
    keys.CourseKey = type("CourseKey", (), {"from_string": staticmethod(lambda text: f"key:{text}")})
    for name in ("lms", "lms.djangoapps", "lms.djangoapps.bulk_email", "opaque_keys", "opaque_keys.edx"):
        monkeypatch.setitem(sys.modules, name, sys.modules.get(name) or types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "lms.djangoapps.bulk_email.models", models)
    monkeypatch.setitem(sys.modules, "opaque_keys.edx.keys", keys)
    assert compat.course_email_optouts(COURSE, ["3", "4", "anonymous"]) == {"3"}
    assert seen == {"course_id": f"key:{COURSE}", "user_id__in": [3, 4]}
