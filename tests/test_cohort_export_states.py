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
    batches, check_many = [], exports.eligibility.check_many
    monkeypatch.setattr(exports.eligibility, "check_many",
                        lambda course_key, ids: batches.append(len(ids)) or check_many(course_key, ids))
    rows = _parse(exports.roster_csv(COURSE, GridParams(sort="name"), schedule(24)))
    # Read CHUNK learners at a time: full chunks, then the rest (memory stays bounded on 50,000 learners).
    assert batches == [chunk] * (learners // chunk) + ([learners % chunk] if learners % chunk else [])
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


def test_every_credit_field_has_its_known_value(settings):
    """One certificate through every field a profile may name: the values a state's roster gets."""
    profile = add_learner("k1", done=first_topics(10), legal_name="Kay Known", state_training_id="TX-1",
                          role="psap")
    cert = add_certificate(profile)
    settings.ELSX = {"CREDIT_PROFILES": {"all": {
        "columns": [[field, field] for field in exports.CREDIT_FIELDS], "date_format": "%m/%d/%Y"}}}
    from elsx.certificates import api, numbers
    url = api.verification_url(cert.number)
    # Known stored values: 62 minutes and 5 seconds engaged; issued late on 3 Feb in Chicago (4 Feb in UTC).
    Certificate.objects.filter(pk=cert.pk).update(
        engaged_seconds=62 * 60 + 5, started_on=date(2026, 1, 2), completed_on=date(2026, 2, 3),
        issued_at=datetime(2026, 2, 4, 3, 0, tzinfo=dt_timezone.utc))
    cert.refresh_from_db()
    with timezone.override("America/Chicago"):
        rows = _parse(exports.credit_csv(COURSE, "all"))
    assert rows[0] == list(exports.CREDIT_FIELDS) and len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row == {
        "legal_name": "Kay Known", "state_training_id": "TX-1", "state": "TX", "agency": "Metro PD",
        "role": "PSAP / emergency communications", "role_code": "psap",
        "course_title": cert.course_title, "course_number": "ELS-MEC-101", "course_version": cert.course_version,
        "provider_name": cert.provider_name, "credit_hours": "11.0", "credit_type": cert.credit_type,
        "delivery_method": cert.delivery_method, "start_date": "01/02/2026", "completion_date": "02/03/2026",
        "issue_date": "02/03/2026", "certificate_number": numbers.display(cert.number),
        "verification_url": url, "status": "valid", "engaged_minutes": "62",
        "signatory_name": cert.signatory_name, "signatory_title": cert.signatory_title,
    }
    assert row["certificate_number"] != cert.number and url.endswith(numbers.display(cert.number))
    assert all(row[key] for key in row), row  # every field of an issued certificate has a value


def test_a_roster_row_has_its_known_values(registered_requirement):
    """Every roster column for two learners with known moments, read in Chicago time."""
    from elsx import progress
    from elsx.cohort.schedule import Schedule
    from elsx.curriculum import get_curriculum
    from elsx.learners import Learner
    from elsx.models import TopicProgress
    from tests.clock import fake_clock
    from tests.progress_helpers import REFLECTION, correct_answers
    topics = get_curriculum().topics
    rae = Learner(id="r1", full_name="Rae Row", email="rae@example.org", username="r1")
    with fake_clock(datetime(2026, 11, 8, 12, 0, tzinfo=dt_timezone.utc)):  # 06:00 in Chicago: her first action
        wrong = {q.id: next(o for o in q.option_ids() if o != q.correct_option_id) for q in topics[2].questions}
        first_question = topics[2].questions[0]
        wrong[first_question.id] = first_question.correct_option_id  # one of six right: 17%
        assert not progress.submit_check(COURSE, rae, topics[2], wrong, 80).passed
        progress.save_reflection(COURSE, rae, topics[3], REFLECTION)
    last = datetime(2026, 11, 9, 3, 5, tzinfo=dt_timezone.utc)  # 21:05 on the 8th in Chicago
    add_learner("r1", done=first_topics(2), last_activity=last, full_name="Rae Row", email="rae@example.org",
                role="psap")
    TopicProgress.objects.filter(learner_id="r1", topic_id=topics[0].id).update(engaged_seconds=40)
    TopicProgress.objects.filter(learner_id="r1", topic_id=topics[1].id).update(engaged_seconds=20)
    zed = add_learner("r2", done=first_topics(10), last_activity=last, full_name="Zed Done", legal_name="Zed Done",
                      certificate="valid")
    number = Certificate.objects.get(learner_id="r2").number
    now = datetime(2026, 11, 17, 12, tzinfo=dt_timezone.utc)  # 8 days after their last action
    with timezone.override("America/Chicago"):
        rows = _parse(exports.roster_csv(COURSE, GridParams(sort="name"), Schedule.build(date(2026, 11, 2), now=now)))
    assert len(rows) == 3 and len(rows[0]) == 14 + len(topics) + 2
    done = "Complete 2026-11-08"
    assert rows[1] == ["Rae Row", "rae@example.org", "Metro PD", "PSAP / emergency communications", "Behind", "Yes",
                       "2", "2.0", "2", "2026-11-08 06:00", "2026-11-08 21:05", "", "", "", done, done,
                       "In progress, check not passed (best 17%)", "In progress"] + ["Not started"] * 6 + [
                       "Signed the pledge", "1"]  # 40 + 20 engaged seconds: one whole minute
    assert rows[2] == ["Zed Done", "r2@example.org", "Metro PD", "Law-enforcement executive", "Certified", "No",
                       "10", "11.0", "Done", "2026-11-08 18:25", "2026-11-08 21:05", "2026-11-08 19:55",
                       "-".join(number[i:i + 4] for i in range(0, 20, 4)), "valid"] + [done] * 10 + ["", "0"]
    assert zed.learner_id == "r2"


@pytest.fixture
def registered_requirement():
    """A requirement besides the topics, met by r2 only: the roster names what else is left."""
    from elsx import eligibility

    def pledge(course_key, learner_id, context):
        return [eligibility.Requirement(key="pledge", label="Signed the pledge", met=learner_id == "r2"),
                eligibility.Requirement(key="topic:extra", label="Not named: a topic key", met=learner_id == "r2")]
    eligibility.register(pledge)
    yield pledge
    eligibility.unregister(pledge)


def test_an_unknown_profile_is_refused_naming_the_profiles_that_exist(settings):
    settings.ELSX = {"CREDIT_PROFILES": {"zeta": {}, "alpha": {}}}
    with pytest.raises(exports.InvalidInput) as caught:
        exports.credit_profile("x" * 100)
    message = str(caught.value)
    assert repr("x" * 100)[:60] in message and repr("x" * 100)[:61] not in message
    assert "Allowed: alpha, default, zeta." in message and caught.value.extra["allowed"] == ["alpha", "default", "zeta"]
    assert caught.value.field == "profile"


def test_a_profile_naming_unknown_fields_is_refused_naming_them(settings):
    settings.ELSX = {"CREDIT_PROFILES": {"bad": {"columns": [["A", "shoe_size"], ["B", "legal_name"], ["C", "hat"]]}}}
    with pytest.raises(exports.InvalidInput) as caught:
        exports.credit_profile("bad")
    known = ", ".join(sorted(exports.CREDIT_FIELDS))
    assert str(caught.value) == f"Credit roster profile bad names unknown field(s) shoe_size, hat. Known: {known}."
    assert known.startswith("agency, certificate_number, ")
