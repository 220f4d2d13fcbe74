"""Export boundaries: the credit roster's status filter, chunked streaming, neutralised headers, local dates."""
import csv
import io
from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from elsx.cohort import exports
from elsx.cohort.params import GridParams
from elsx.models import Certificate
from tests.cohort_helpers import COURSE, add_certificate, add_learner, add_learner_rows, first_topics, schedule

pytestmark = pytest.mark.django_db


def _parse(lines):
    text = "".join(lines)
    assert text.startswith(exports.BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.fixture
def certified():
    """One valid, one revoked and one superseded (plus its valid successor) certificate, through the API."""
    made = {}
    for learner_id, status in (("valid", "valid"), ("revoked", "revoked"), ("superseded", "superseded")):
        profile = add_learner(learner_id, done=first_topics(10), legal_name=f"Person {learner_id}")
        made[learner_id] = add_certificate(profile, status)
    return made


def test_the_default_credit_roster_lists_valid_and_revoked_only(certified):
    rows = _parse(exports.credit_csv(COURSE))
    status, url = rows[0].index("Status"), rows[0].index("Verification URL")  # columns by name: profiles add more
    statuses = sorted(row[status] for row in rows[1:])
    # the superseded one is replaced by its valid successor, listed once
    assert statuses == ["revoked", "valid", "valid"]
    assert exports.credit_count(COURSE) == 3
    by_status = {row[status]: row for row in rows[1:]}
    assert by_status["revoked"][url] == ""  # no verification URL for a revoked certificate
    assert all(row[url].startswith("http") for row in rows[1:] if row[status] == "valid")


def test_a_profile_status_filter_is_applied(certified, settings):
    settings.ELSX = {"CREDIT_PROFILES": {"valid-only": {"statuses": ["valid"]},
                                         "revoked-only": {"statuses": ["revoked"]}}}
    def statuses(profile):
        rows = _parse(exports.credit_csv(COURSE, profile))
        return sorted(row[rows[0].index("Status")] for row in rows[1:])
    assert statuses("valid-only") == ["valid", "valid"]
    assert statuses("revoked-only") == ["revoked"]
    assert exports.credit_count(COURSE, "revoked-only") == 1
    assert Certificate.objects.filter(status="superseded").count() == 1


def test_the_header_row_is_neutralised(settings):
    settings.ELSX = {"CREDIT_PROFILES": {"evil": {"columns": [["=HYPERLINK(\"x\")", "legal_name"],
                                                              ["+1", "state"], ["Name", "agency"]]}}}
    lines = list(exports.credit_csv(COURSE, "evil"))
    assert lines[0] == exports.BOM + "\"'=HYPERLINK(\"\"x\"\")\",'+1,Name\r\n"


@pytest.mark.parametrize("learners, chunk", [(5, 2), (4, 2), (1, 2), (3, 500)])
def test_streaming_resets_its_chunk(monkeypatch, learners, chunk):
    """Rows beyond a chunk are each learner once, not the first chunk again (CHUNK is 500; 2 shows it)."""
    monkeypatch.setattr(exports, "CHUNK", chunk)
    for index in range(learners):
        add_learner_rows(f"c{index}", full_name=f"Chunk {index}", done=first_topics(index % 3))
    rows = _parse(exports.roster_csv(COURSE, GridParams(sort="name"), schedule(24)))
    assert [row[0] for row in rows[1:]] == [f"Chunk {index}" for index in range(learners)]
    assert [row[6] for row in rows[1:]] == [str(index % 3) for index in range(learners)]


def test_more_than_500_learners_stream_each_once():
    for index in range(exports.CHUNK + 7):
        add_learner_rows(f"m{index:04d}", full_name=f"Many {index:04d}")
    rows = _parse(exports.roster_csv(COURSE, GridParams(sort="name"), schedule(24)))
    names = [row[0] for row in rows[1:]]
    assert len(names) == exports.CHUNK + 7 and len(set(names)) == len(names)


def test_credit_dates_are_local_dates_not_utc():
    context = exports._CreditContext(exports.credit_profile("default"))
    late = datetime(2026, 11, 9, 3, 0, tzinfo=dt_timezone.utc)  # 21:00 on the 8th in Chicago
    with timezone.override("America/Chicago"):
        assert context.date(late) == "2026-11-08"
    with timezone.override("UTC"):
        assert context.date(late) == "2026-11-09"
    assert context.date(datetime(2026, 11, 9, 23, 30)) == "2026-11-09"  # naive: as given
    assert context.date(date(2026, 1, 2)) == "2026-01-02" and context.date(None) == ""
    assert context.date("2026-01-02") == "2026-01-02"


def test_credit_date_format_comes_from_the_profile(settings):
    settings.ELSX = {"CREDIT_PROFILES": {"us": {"date_format": "%m/%d/%Y"}, "blank": {"date_format": ""}}}
    assert exports._CreditContext(exports.credit_profile("us")).date(date(2026, 1, 2)) == "01/02/2026"
    assert exports._CreditContext(exports.credit_profile("blank")).date(date(2026, 1, 2)) == "2026-01-02"


def test_roster_times_are_local():
    formatter = exports._Formatter.__new__(exports._Formatter)
    with timezone.override("America/Chicago"):
        formatter.zone = timezone.get_current_timezone()
    assert formatter.when(datetime(2026, 11, 9, 3, 5, tzinfo=dt_timezone.utc)) == "2026-11-08 21:05"
    assert formatter.when(datetime(2026, 11, 9, 3, 5)) == "2026-11-09 03:05"
    assert formatter.when(None) == ""


def test_filename():
    assert exports.filename("roster", "course-v1:ELSX+EXEC101+demo", today=date(2026, 11, 2)) == (
        "elsx-roster-course-v1-ELSX-EXEC101-demo-2026-11-02.csv")
    assert exports.filename("credit", "x" * 80, today=date(2026, 1, 1)) == f"elsx-credit-{'x' * 60}-2026-01-01.csv"
