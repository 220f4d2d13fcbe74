"""Shared fixtures: blocks in a real workbench runtime, handler calls, captured events."""
import json

import pytest
from webob import Request

COURSE = "course-v1:ELSX+EXEC101+demo"


INSTANT = {"MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR": 0, "SECTION_READ_SHARE": 0, "HEARTBEAT_RATE_LIMIT": 0}
SEAT_TIME = {"MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR": 50, "SECTION_READ_SHARE": 0.5, "HEARTBEAT_RATE_LIMIT": 0}


@pytest.fixture(autouse=True)
def instant_completion(monkeypatch):
    """Most tests complete topics through handlers alone: no minimum engaged time, sections read on opening.
    Set as defaults, so a test that replaces settings.ELSX keeps them. Seat-time tests use seat_time."""
    from elsx import conf
    for key, value in INSTANT.items():
        monkeypatch.setitem(conf.DEFAULTS, key, value)


@pytest.fixture(autouse=True)
def no_language_left_active():
    """A request with Accept-Language: es-419 leaves Spanish active in the thread (LocaleMiddleware
    activates it and nothing resets it): every test starts and ends in the default language."""
    from django.utils import translation
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def commission_off():
    """The commission requirements (final, evaluation, capstone review, affirmation; on by default in
    elsx.conf) are off unless a test turns them on: settings.ELSX = {"COMMISSION": True, ...} or the
    commission_on fixture. Set as a default, so tests about something else keep the ten-topic rule;
    for the whole session, so module-scoped fixtures (an OLX export) see it too."""
    from elsx import conf
    shipped = conf.DEFAULTS["COMMISSION"]
    conf.DEFAULTS["COMMISSION"] = False
    yield
    conf.DEFAULTS["COMMISSION"] = shipped


@pytest.fixture
def commission_on(monkeypatch):
    """The shipped default: the commission requirements on."""
    from elsx import conf
    monkeypatch.setitem(conf.DEFAULTS, "COMMISSION", True)


@pytest.fixture
def seat_time(monkeypatch):
    """The real rules: 50 engaged minutes per credit hour, sections read after half their reading time."""
    from elsx import conf
    for key, value in SEAT_TIME.items():
        monkeypatch.setitem(conf.DEFAULTS, key, value)


@pytest.fixture
def test_clock():
    """An injected engagement clock: test_clock.advance(seconds); no sleeps."""
    from datetime import datetime, timedelta, timezone as tz

    from elsx.engagement import clock

    class Clock:
        def __init__(self):
            self.now = datetime(2026, 3, 2, 9, 0, 0, tzinfo=tz.utc)

        def advance(self, seconds):
            self.now += timedelta(seconds=seconds)
            return self.now

        def __call__(self):
            return self.now

    fake = Clock()
    undo = clock.use(fake)
    yield fake
    undo()


@pytest.fixture
def course_key():
    return COURSE


class Events(list):
    def of(self, event_type, block=None):
        return [data for blk, kind, data in self if kind == event_type and (block is None or blk is block)]


@pytest.fixture
def events(monkeypatch):
    """Every runtime.publish() call, as (block, event_type, data)."""
    from workbench.runtime import WorkbenchRuntime
    recorded = Events()
    monkeypatch.setattr(WorkbenchRuntime, "publish",
                        lambda self, block, event_type, data: recorded.append((block, event_type, data)))
    return recorded


@pytest.fixture
def make_block(db):
    """make_block(xml, user_id) -> the root block of xml, seen by that workbench user."""
    from workbench.runtime import WorkbenchRuntime

    def make(xml, user_id="learner-1"):
        runtime = WorkbenchRuntime(user_id)
        usage_id = runtime.parse_xml_string(xml)
        return runtime.get_block(usage_id)
    return make


def as_user(block, user_id):
    """The same block usage, seen by another workbench user."""
    from workbench.runtime import WorkbenchRuntime
    return WorkbenchRuntime(user_id).get_block(block.scope_ids.usage_id)


def call(block, handler, data=None, method="POST", raw=None):
    """Call a handler like the browser would; returns (status, parsed JSON or text)."""
    body = raw if raw is not None else (b"" if data is None else json.dumps(data).encode("utf-8"))
    request = Request.blank("/", method=method, body=body if method == "POST" else None)
    if method == "POST":
        request.content_type = "application/json"
    response = block.runtime.handle(block, handler, request)
    try:
        payload = json.loads(response.body.decode("utf-8"))
    except ValueError:
        payload = response.body.decode("utf-8", "replace")
    return response.status_code, payload


def render(block, view="student_view"):
    return block.runtime.render(block, view).body_html()


def correct_answers(topic):
    return {question.id: question.correct_option_id for question in topic.questions}


def wrong_answers(topic):
    return {q.id: next(o.id for o in q.options if not o.correct) for q in topic.questions}


def complete_topic(block, reflection="Our agency will review its intake policy this quarter."):
    """Drive one topic block to completion through its handlers."""
    topic = block.topic()
    for section in topic.sections:
        assert call(block, "view_section", {"section": section.id})[0] == 200
    assert call(block, "submit_check", {"answers": correct_answers(topic)})[0] == 200
    assert call(block, "save_reflection", {"text": reflection})[0] == 200
