"""Roster and credit-roster CSVs, background export jobs, and the cohort seeder."""
import csv
import io

import pytest
from django.core.management import call_command

from elsx.cohort import exports, jobs
from elsx.cohort.params import GridParams
from elsx.cohort.seed import SEED_PREFIX, seed_cohort
from elsx.models import Certificate, ExportJob, ExportLink, LearnerProfile, TopicProgress
from tests.cohort_helpers import COURSE, STAFF, add_learner, cohort_xml, download, first_topics, schedule
from tests.conftest import call

pytestmark = pytest.mark.django_db

CREDIT_COLUMNS = ["Legal name", "State training ID", "State", "Agency", "Role", "Course title", "Course number",
                  "Credit hours", "Credit type", "Delivery method", "Start date", "Completion date",
                  "Certificate number", "Verification URL", "Status", "Engaged minutes"]


@pytest.fixture
def block(make_block):
    return make_block(cohort_xml(), user_id=STAFF)


def _rows(body):
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("Smith-Jones", "Smith-Jones"),
    ("", ""), (None, ""), (11, "11"),
    # What a spreadsheet acts on is the first visible character: past spaces, controls, format characters
    # and invisible letters, after NFKC (full-width ＝ is =).
    (" =1+1", "' =1+1"), ("\x00=1", "'\x00=1"), ("\u200e=1", "'\u200e=1"), ("\u3164=1", "'\u3164=1"),
    ("\uff1d1+1", "'\uff1d1+1"), ("  ", "  "), ("\u200e", "\u200e"), (" plain", " plain"), ("1-2", "1-2"),
])
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_roster_download_is_a_csv_of_the_filter_with_bom_and_neutralised_cells(block):
    add_learner("f1", full_name="=cmd|' /C calc'!A0", agency="@Evil Agency", role="psap", done=first_topics(2))
    add_learner("f2", full_name="Ana Ávila", agency="Policía Municipal", role="psap")
    add_learner("f3", full_name="Not Included", role="other")
    status, headers, body = download(block, {"kind": "roster", "role": "psap", "sort": "name"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment;" in headers["Content-Disposition"] and ".csv" in headers["Content-Disposition"]
    assert 'filename="elsx-roster-psap-course-v1-' in headers["Content-Disposition"]  # the filter names the file
    rows = _rows(body)
    assert len(rows) == 3 and rows[0][:3] == ["Name", "Email", "Agency"] and len(rows[0]) == 14 + 10 + 2
    names = {row[0] for row in rows[1:]}
    assert names == {"'=cmd|' /C calc'!A0", "Ana Ávila"}
    evil = next(row for row in rows[1:] if row[0].startswith("'="))
    assert evil[2] == "'@Evil Agency" and evil[6] == "2" and evil[14].startswith("Complete ")


def test_downloads_ignore_the_workbench_user_parameter(block):
    """The workbench puts ?student=<id> on every handler URL; it is the runtime's, not a filter."""
    add_learner("w1", role="psap")
    status, _headers, body = download(block, {"kind": "roster"}, extra={"student": "instructor"})
    assert status == 200 and len(_rows(body)) == 2
    status, _headers, body = download(block, {"kind": "credit"}, extra={"student": "instructor"})
    assert status == 200
    status, _headers, body = download(block, {"kind": "roster"}, extra={"studnet": "x"})
    assert status == 400 and b"studnet" in body


def test_roster_export_handler_returns_an_inline_url_for_small_cohorts(block):
    add_learner("s1")
    status, body = call(block, "export", {"kind": "roster", "grid": {"status": "behind", "page": 3}})
    assert status == 200 and body["mode"] == "inline" and body["rows"] == 1
    # The filters stay on the server: the URL carries only an opaque token.
    assert "download" in body["url"] and "behind" not in body["url"] and "page=" not in body["url"]
    assert ExportLink.objects.get().params == {"status": "behind"}


def test_credit_roster_has_the_profile_columns(block):
    profile = add_learner("c1", done=first_topics(10), certificate="valid", legal_name="Ana B. Garza",
                          state_training_id="TX-123456", state="TX")
    revoked = add_learner("c2", done=first_topics(10), legal_name="Revoked Person")
    from tests.cohort_helpers import add_certificate
    add_certificate(revoked, status=Certificate.STATUS_REVOKED)
    status, headers, body = download(block, {"kind": "credit"})
    rows = _rows(body)
    assert status == 200 and rows[0] == CREDIT_COLUMNS and len(rows) == 3
    by_name = {row[0]: dict(zip(CREDIT_COLUMNS, row)) for row in rows[1:]}
    garza = by_name["Ana B. Garza"]
    assert (garza["State training ID"], garza["State"], garza["Credit hours"], garza["Status"]) == (
        "TX-123456", "TX", "11.0", "valid")
    assert garza["Role"] == "Law-enforcement executive" and garza["Course number"] == "ELS-MEC-101"
    assert by_name["Revoked Person"]["Status"] == "revoked" and by_name["Revoked Person"]["Verification URL"] == ""
    assert profile.learner_id == "c1"


def test_a_state_profile_is_data_in_settings(block, settings):
    settings.ELSX = {"CREDIT_PROFILES": {"tcole": {
        "label": "TCOLE roster", "columns": [["PID", "state_training_id"], ["Name", "legal_name"],
                                             ["Completed", "completion_date"]],
        "statuses": ["valid"], "date_format": "%m/%d/%Y"}}}
    add_learner("t1", done=first_topics(10), certificate="valid", legal_name="Tex Ranger", state_training_id="77")
    rows = _rows(download(block, {"kind": "credit", "profile": "tcole"})[2])
    assert rows[0] == ["PID", "Name", "Completed"] and rows[1][:2] == ["77", "Tex Ranger"]
    assert rows[1][2].count("/") == 2


def test_unknown_or_broken_profiles_are_refused(block, settings):
    status, headers, body = download(block, {"kind": "credit", "profile": "nope"})
    assert status == 400 and b"Allowed: default" in body
    settings.ELSX = {"CREDIT_PROFILES": {"bad": {"columns": [["Shoe size", "shoe_size"]]}}}
    status, headers, body = download(block, {"kind": "credit", "profile": "bad"})
    assert status == 400 and b"shoe_size" in body
    assert download(block, {"kind": "payroll"})[0] == 400
    assert call(block, "export", {"kind": "payroll"})[0] == 400
    assert download(block, {"kind": "roster", "sort": "salary"})[0] == 400


def test_large_exports_become_a_job_run_inline_without_celery(block, settings):
    settings.ELSX = {"INLINE_EXPORT_MAX_ROWS": 3, "EXPORT_BACKGROUND": "inline"}
    for index in range(5):
        add_learner(f"j{index}", full_name=f"Job Learner {index}")
    status, body = call(block, "export", {"kind": "roster", "grid": {"sort": "name", "dir": "desc"}})
    assert status == 200 and body["mode"] == "job" and body["status"] == "done" and body["rows"] == 5
    status, headers, csv_body = download(block, {"job": str(body["job"])})
    rows = _rows(csv_body)
    assert status == 200 and len(rows) == 6 and rows[1][0] == "Job Learner 4"
    assert ExportJob.objects.get(pk=body["job"]).running_key is None
    assert call(block, "export_status", {"job": body["job"]})[1]["url"]


def test_a_repeat_request_while_running_is_already_running(block, settings):
    settings.ELSX = {"INLINE_EXPORT_MAX_ROWS": 1}
    add_learner("r1")
    add_learner("r2")
    running = ExportJob.objects.create(course_key=block.course_key(), kind="roster",
                                       running_key=jobs.running_key(block.course_key(), "roster"))
    status, body = call(block, "export", {"kind": "roster"})
    assert status == 409 and body["already_running"] is True and body["job"] == running.pk
    assert "already running" in body["error"]
    assert ExportJob.objects.count() == 1
    status, body = call(block, "export_status", {"job": running.pk})
    assert status == 200 and body["status"] == "running" and "url" not in body
    assert download(block, {"job": str(running.pk)})[0] == 404


def test_a_stale_running_job_is_replaced(block, settings):
    settings.ELSX = {"INLINE_EXPORT_MAX_ROWS": 1, "EXPORT_BACKGROUND": "inline"}
    add_learner("r1")
    add_learner("r2")
    stale = ExportJob.objects.create(course_key=block.course_key(), kind="roster",
                                     running_key=jobs.running_key(block.course_key(), "roster"))
    ExportJob.objects.filter(pk=stale.pk).update(created_at=stale.created_at.replace(year=2020))
    status, body = call(block, "export", {"kind": "roster"})
    assert status == 200 and body["status"] == "done"
    assert ExportJob.objects.get(pk=stale.pk).status == "failed"


def test_with_celery_the_job_is_queued_after_commit(block, settings, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    settings.ELSX = {"INLINE_EXPORT_MAX_ROWS": 1, "EXPORT_BACKGROUND": "celery"}
    add_learner("r1")
    add_learner("r2")
    from elsx.cohort import tasks
    queued = []
    monkeypatch.setattr(tasks.run_export_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        status, body = call(block, "export", {"kind": "roster"})
    assert status == 200 and body["status"] == "running" and queued == [body["job"]]
    tasks.run_export_task(body["job"])  # what the worker runs
    assert ExportJob.objects.get(pk=body["job"]).status == "done"


def test_jobs_of_another_course_are_not_found(block):
    other = ExportJob.objects.create(course_key="course-v1:Other+X+1", kind="roster", status="done",
                                     file_path="x.csv")
    assert call(block, "export_status", {"job": other.pk})[0] == 404
    assert download(block, {"job": str(other.pk)})[0] == 404
    # Not a number at all: a 400 naming the field (the request parser), not a lookup.
    status, body = call(block, "export_status", {"job": "1; drop"})
    assert (status, body["field"]) == (400, "job")


# --- the seeder ---------------------------------------------------------------

def test_seeded_cohort_has_every_stage_and_consistent_certificates():
    sched = schedule(24)
    counts = seed_cohort(COURSE, 60, now=sched.now, start=sched.start, certificates="rows")
    assert all(counts[stage] > 0 for stage in ("not_started", "on_track", "behind", "inactive", "completed",
                                               "certified")), counts
    from elsx.cohort import query
    summary = query.summary(COURSE, sched)
    assert min(summary.on_track, summary.behind, summary.inactive, summary.completed, summary.certified) > 0
    for cert in Certificate.objects.filter(course_key=COURSE):
        profile = LearnerProfile.objects.get(course_key=COURSE, learner_id=cert.learner_id)
        assert profile.claimed_at and profile.completed_at and cert.legal_name == profile.legal_name
        assert TopicProgress.objects.filter(learner_id=cert.learner_id, completed_at__isnull=False).count() == 10
    for profile in LearnerProfile.objects.filter(course_key=COURSE):
        done = TopicProgress.objects.filter(learner_id=profile.learner_id, completed_at__isnull=False).count()
        assert profile.topics_completed == done


def test_reseeding_replaces_only_seeded_learners():
    add_learner("real-learner")
    seed_cohort(COURSE, 30, certificates="rows")
    seed_cohort(COURSE, 20, certificates="rows")
    assert LearnerProfile.objects.filter(learner_id__startswith=SEED_PREFIX).count() == 20
    assert LearnerProfile.objects.filter(learner_id="real-learner").exists()


def test_seed_command(capsys):
    call_command("elsx_seed_cohort", "--learners", "15", "--course", "course-v1:X+Y+Z", "--certificates", "rows")
    assert "Seeded 15 learners" in capsys.readouterr().out
    assert LearnerProfile.objects.filter(course_key="course-v1:X+Y+Z").count() == 15


def test_csv_of_a_seeded_cohort_has_a_row_per_learner():
    sched = schedule(24)
    seed_cohort(COURSE, 40, now=sched.now, start=sched.start, certificates="rows")
    lines = list(exports.roster_csv(COURSE, GridParams(), sched))
    assert len(lines) == 41


def test_the_filter_names_the_file_but_free_text_never_does():
    assert exports.filter_label({}) == ""
    assert exports.filter_label({"status": "behind", "not_completed": "media-relations"}) == \
        "-behind-not-media-relations"
    assert exports.filter_label({"search": "Ana Ávila", "agency": "Metro PD"}) == "-filtered"
    name = exports.filename("roster", "course-v1:X+Y+Z", grid_query={"status": "behind", "search": "ana@x.org"})
    assert name.startswith("elsx-roster-behind-course-v1-X-Y-Z-") and "ana" not in name
