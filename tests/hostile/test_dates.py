"""Dates: a cohort start is refused beyond five years of today; a stored one out of range counts as not set."""
import json
from datetime import date, datetime, time, timedelta, timezone

import pytest

from elsx.cohort.schedule import START_YEARS, Schedule, parse_start, start_range
from elsx.errors import InvalidInput
from elsx.models import ExportJob
from tests.conftest import render
from tests.hostile.conftest import STAFF, raw_call, snapshot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)
OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "2031-12-03", "2021-12-01"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_start_beyond_five_years_is_refused(value):
    with pytest.raises(InvalidInput) as raised:
        parse_start(value, TODAY)
    assert raised.value.field == "cohort_start" and f"within {START_YEARS} years" in raised.value.message


@pytest.mark.parametrize("value", ["2031-12-02", "2021-12-02", "2026-12-02"])
def test_the_range_includes_its_ends(value):
    assert parse_start(value, TODAY) == date.fromisoformat(value)


def test_the_range_from_29_february():
    assert start_range(date(2028, 2, 29)) == (date(2023, 2, 28), date(2033, 2, 28))


def test_saving_9999_12_31_in_studio_is_a_400_and_stores_nothing(make_block, world):
    block = make_block('<elsx_cohort cohort_start=""/>', STAFF)
    before = snapshot()
    body = json.dumps({"values": {"cohort_start": "9999-12-31"}, "defaults": []}).encode()
    status, payload, _raw, _headers = raw_call(block, "submit_studio_edits", body)
    assert status == 400 and "within 5 years" in payload["error"]
    assert snapshot() == before and block.cohort_start == ""


@pytest.fixture
def stored_far_future(make_block, world):
    """A block whose stored start is out of range (saved before this check, or written by an import)."""
    return make_block('<elsx_cohort cohort_start="9999-12-31"/>', STAFF)


def test_a_stored_out_of_range_start_renders_as_not_set(stored_far_future):
    html = render(stored_far_future)
    assert "counts as not set" in html
    assert stored_far_future.schedule().start is None


@pytest.mark.parametrize("handler, body", [
    ("grid", {}), ("refresh", {}), ("emails", {}), ("learner", {"learner_id": "alice"}),
    ("export", {"kind": "roster"}), ("export", {"kind": "credit"}),
])
def test_every_handler_answers_with_a_stored_out_of_range_start(stored_far_future, handler, body):
    status, _payload, raw, _headers = raw_call(stored_far_future, handler, json.dumps(body).encode())
    assert status == 200, raw[:300]


def test_a_job_with_an_out_of_range_start_still_runs(world):
    from elsx.cohort import jobs
    job = jobs.start("course-v1:ELSX+EXEC101+demo", "roster", {"grid": {}, "cohort_start": "9999-12-31"}, STAFF)
    assert job.status == ExportJob.STATUS_DONE, job.error


def test_build_or_unset_never_raises_for_stored_text():
    # OUT_OF_RANGE is out of range of TODAY, not of the day the suite runs.
    now = datetime.combine(TODAY, time(12), tzinfo=timezone.utc)
    for value in OUT_OF_RANGE + ["soon", "2026-02-30", "\u0662\u0660\u0662\u0666-01-01"]:
        assert Schedule.build_or_unset(value, now=now).start is None
    assert Schedule.build_or_unset((now.date() - timedelta(days=3)).isoformat(), now=now).start is not None
