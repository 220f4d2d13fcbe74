"""Seat time in Chromium: engaged time rises while a learner works, stops when they go idle or
hide the page, and a learner who rushes through cannot complete a topic until the time is there.

This module's own server runs with the seat-time rules on, shortened the way docs/development.md says a
demo shortens them: 2 engaged minutes per credit hour (a 1-hour topic needs 2 minutes), a
60-second idle cutoff, the 30-second heartbeat. Sections count as read on opening here
(the reading share is unit-tested), so the minimum time is the one thing a rusher lacks.

No waiting: time passes on two injected clocks moved together, the page's (Playwright's
page.clock drives the heartbeat timer and Date.now) and the server's (elsx.demo.clock reads
an offset from ELSX_DEMO_CLOCK_FILE). Each expected heartbeat is awaited as its response, and
the result is read from the server's database and the page.
"""
import json
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORT, run_server, skip_module_without_browser

skip_module_without_browser()

pytestmark = pytest.mark.browser

PERIOD = 30        # seconds between heartbeats (the default)
IDLE = 60          # idle cutoff, shortened from 5 minutes
CAP = PERIOD + 5   # the most one heartbeat can credit (HEARTBEAT_GRACE_SECONDS 5)
SEAT_ENV = {"ELSX_DEMO_MINUTES_PER_HOUR": "2", "ELSX_DEMO_SECTION_SHARE": "0",
            "ELSX_DEMO_IDLE_SECONDS": str(IDLE), "ELSX_DEMO_HEARTBEAT_SECONDS": str(PERIOD)}


@pytest.fixture(scope="module")
def seat_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("elsx-e2e-seat")
    env = dict(SEAT_ENV, ELSX_DEMO_CLOCK_FILE=str(folder / "clock-offset"))
    with run_server(folder, env, ["-m", "django", "migrate", "--run-syncdb", "-v", "0"]) as running:
        yield running


@pytest.fixture
def seat_page(seat_server, browser):
    """A page on a fake clock, moved with the server's (see Clocks)."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US")
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    page.clocks = Clocks(seat_server, page)
    page.beats = []  # every heartbeat the page sent: its JSON body
    page.on("request", lambda request: page.beats.append(json.loads(request.post_data or "{}"))
            if is_beat(request) else None)
    yield page
    ctx.close()


@pytest.fixture(scope="module")
def topics():
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    return get_curriculum().topics


def is_beat(request_or_response):
    return "/heartbeat" in request_or_response.url


class Clocks:
    """The page's clock and the server's, moved forward together; the page's is paused between steps."""

    def __init__(self, server, page):
        self.file, self.page = server.folder / "clock-offset", page
        self.offset = float(self.file.read_text()) if self.file.exists() else 0.0
        self.last_input = None
        # The page's clock starts where the server's is (an earlier test moved it on).
        page.clock.install(time=time.time() + self.offset)

    def settle(self):
        """Once the page has loaded: stop the page's clock, so only step() moves it (its timers fire then)."""
        self.page.clock.pause_at(self.page.evaluate("Date.now()") / 1000 + 1)
        self.page.clock.run_for(1000)

    def use_page(self):
        """A key press, which the page counts as input. Not the wheel or the pointer's moves: Chromium
        delivers those with the next frame, at a later moment of the page's clock than this one."""
        self.page.keyboard.press("Shift")
        self.last_input = self.page.evaluate("Date.now()")

    def step(self, seconds=PERIOD):
        self.offset += seconds
        self.file.write_text(str(self.offset))
        self.page.clock.run_for(seconds * 1000)

    def beat(self, active=True):
        """One period on, expecting the page to send a heartbeat; the server's reply."""
        if active:
            self.use_page()
        with self.page.expect_response(is_beat) as response:
            self.step()
        assert response.value.ok, response.value.text()
        return response.value.json()


def topic_row(server, learner, topic_id):
    """(engaged_seconds, completed_at) as the server stored them."""
    with sqlite3.connect(server.folder / "e2e.sqlite3") as db:
        found = db.execute("SELECT engaged_seconds, completed_at FROM elsx_topicprogress"
                           " WHERE learner_id = ? AND topic_id = ?", (learner, topic_id)).fetchone()
    return found or (0, None)


def open_topic(page, server, topic, learner):
    page.goto(server.scenario(f"elsx_topic.{topic.number}", learner))
    root = page.locator(".elsx-topic")
    expect(root.locator('[data-region="time"]')).to_contain_text("Time spent so far: 0 min")
    page.clocks.settle()
    return root


def open_section(root, section):
    root.locator(f'details[data-section-id="{section.id}"] summary').click()
    root.locator(f'[data-region="read-{section.id}"][data-state="read"]').wait_for()


def test_an_active_learners_time_rises_and_an_idle_or_hidden_ones_stops(seat_page, seat_server, topics):
    page, server, topic = seat_page, seat_server, topics[1]
    learner = "seat-walker"
    root = open_topic(page, server, topic, learner)
    open_section(root, topic.sections[0])
    clocks = page.clocks

    # Working: every period a heartbeat, each credited the time since the last, at most 35 s.
    assert clocks.beat()["result"] == "started"
    credited = [clocks.beat() for _ in range(3)]
    assert [reply["result"] for reply in credited] == ["credited"] * 3
    assert all(PERIOD <= reply["credited"] <= CAP for reply in credited), credited
    engaged = credited[-1]["engaged_seconds"]
    assert engaged == sum(reply["credited"] for reply in credited)
    assert topic_row(server, learner, topic.id)[0] == engaged
    expect(root.locator('[data-region="time"]')).to_contain_text("Time spent so far: 1 min")

    # Idle: no input. Beats go on only while the next tick is within the cutoff of the last input.
    sent_before = len(page.beats)
    idle_beats, next_tick = [], page.beats[-1]["sent_at"] + PERIOD * 1000
    while next_tick - clocks.last_input <= IDLE * 1000:
        idle_beats.append(clocks.beat(active=False))
        next_tick += PERIOD * 1000
    assert idle_beats and all(reply["credited"] <= CAP for reply in idle_beats), idle_beats
    for _ in range(6):  # three more minutes without input: nothing is sent
        clocks.step()
    idle_total = idle_beats[-1]["engaged_seconds"]
    # Back at the keyboard: the next beat comes, and is the first after the idle spell.
    back = clocks.beat()
    idle_sent = page.beats[sent_before:-1]
    assert len(idle_sent) == len(idle_beats), idle_sent
    assert topic_row(server, learner, topic.id)[0] == back["engaged_seconds"]
    # Over three minutes passed since the last beat; the one back credits one period and grace only.
    assert back["result"] == "credited" and back["credited"] == CAP, back
    assert back["engaged_seconds"] == idle_total + CAP

    # Hidden page (another tab in front): no beats even with input, and none credited.
    page.evaluate("""() => { Object.defineProperty(document, "visibilityState", {configurable: true,
        get: () => "hidden"}); document.dispatchEvent(new Event("visibilitychange")); }""")
    sent_before = len(page.beats)
    for _ in range(4):
        clocks.use_page()
        clocks.step()
    page.evaluate("""() => { delete document.visibilityState;
        document.dispatchEvent(new Event("visibilitychange")); }""")
    shown_again = clocks.beat()
    assert len(page.beats) == sent_before + 1, page.beats[sent_before:]
    assert shown_again["credited"] == CAP, shown_again
    assert shown_again["engaged_seconds"] == back["engaged_seconds"] + CAP
    assert topic_row(server, learner, topic.id)[0] == shown_again["engaged_seconds"]


def rush_through(page, root, topic):
    """Everything a topic asks for, as fast as a browser can click."""
    for section in topic.sections:
        open_section(root, section)
    for question in topic.questions:
        root.locator(f'fieldset[data-question-id="{question.id}"] input[value="{question.correct_option_id}"]').check()
    root.get_by_role("button", name="Submit answers").click()
    root.locator('[data-region="result"]').get_by_text("passed", exact=False).first.wait_for()
    root.locator("textarea").fill("We will add a missing-child checklist to every shift briefing this month.")
    root.get_by_role("button", name="Save reflection").click()
    root.locator('[data-region="saved"]').get_by_text("saved", exact=False).first.wait_for()


def test_a_learner_who_rushes_through_cannot_complete_until_the_time_is_there(seat_page, seat_server, topics):
    page, server, topic = seat_page, seat_server, topics[0]
    learner = "seat-rusher"
    assert topic.hours == 1  # so 2 engaged minutes are required here
    root = open_topic(page, server, topic, learner)
    rush_through(page, root, topic)

    # Everything done but the time: not complete, and the page says what is left in words.
    status, checklist = root.locator('[data-region="status"]'), root.locator('[data-region="checklist"]')
    expect(status).to_contain_text("In progress")
    expect(checklist).to_contain_text("Spend the time the topic needs (about 2 more minutes in this topic)")
    expect(root.locator('[data-region="time"]')).to_contain_text("Still needed: about 2 more minutes in this topic")
    expect(root.locator(".elsx-done")).to_have_count(0)
    assert topic_row(server, learner, topic.id) == (0, None)

    # Two engaged minutes later (the first beat only starts the clock) the topic completes.
    clocks = page.clocks
    replies = [clocks.beat()]
    while replies[-1]["engaged_seconds"] < 120:
        assert len(replies) < 6, replies
        expect(status).not_to_contain_text("Complete")
        assert topic_row(server, learner, topic.id)[1] is None
        replies.append(clocks.beat())
    expect(status).to_contain_text("Complete")
    expect(root.locator(".elsx-done")).to_contain_text("Topic complete")
    expect(checklist).not_to_contain_text("more minute")
    engaged, completed_at = topic_row(server, learner, topic.id)
    assert completed_at is not None and engaged == replies[-1]["engaged_seconds"]
