"""The training file: the command and the staff download give one ZIP that opens and whose CSVs parse."""
import csv
import io
import zipfile

import pytest
from django.core.management import call_command

from elsx.evaluation import api as evaluation
from tests.certificates_helpers import CLAIM, complete_topics, learner, media  # noqa: F401
from tests.commission_helpers import commission_topics, handler_get_text, meet_commission
from tests.conftest import call

COURSE = "course-v1:ELSX+EXEC101+demo"
COHORT_XML = '<elsx_cohort cohort_start="2026-11-02"/>'
EXPECTED = {"README.txt", "outline.md", "outline.csv", "schedule.csv", "schedule.txt", "assessment/knowledge-checks.csv",
            "assessment/final-assessment.csv", "assessment/final-rules.txt", "evaluation/instrument.txt",
            "evaluation/summary.csv", "evaluation/comments.txt", "provider.txt", "credit-roster.csv",
            "certified-learners.csv"}


@pytest.fixture
def commission(settings, media):  # noqa: F811
    settings.ELSX = {"COMMISSION": True, "VERIFY_BASE_URL": "https://lms.example.org",
                     "INSTRUCTOR_NAME": "Lt. Maria Chen", "INSTRUCTOR_BIOGRAPHY": "Twenty years in <CAC> work.",
                     "REFLECTION_MIN_WORDS": 0, "REFLECTION_MIN_WORDS_BY_TOPIC": {}}


def read(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def rows(blob):
    return list(csv.reader(io.StringIO(blob.decode("utf-8").lstrip("\ufeff"))))


def certify(learner_id, name):
    """A learner who met every commission requirement and claimed, with the certificate issued."""
    from django.utils import timezone

    from elsx.certificates import api
    from elsx.models import LearnerProfile
    commission_topics(learner_id, full_name=name)
    meet_commission(COURSE, learner_id)
    LearnerProfile.objects.filter(learner_id=learner_id).update(claimed_at=timezone.now(),
                                                                **dict(CLAIM, legal_name=name))
    return api.issue(COURSE, learner_id)


def test_command_writes_a_zip_that_opens_and_parses(db, commission, tmp_path, monkeypatch):
    from elsx.trainingfile import api as trainingfile
    from elsx.assessment import api as assessment
    monkeypatch.setattr(trainingfile, "_engaged_seconds", lambda course, lid: 4 * 3600 + 1800)
    for index in range(6):
        evaluation.submit(COURSE, learner(f"e{index}"), {i.id: 4 for i in evaluation.rated_items()},
                          {"comment-other": f"=cmd {index}"})
    out = tmp_path / "out.zip"
    call_command("elsx_training_file", str(out), course=COURSE)
    files = read(out.read_bytes())
    assert set(files) == EXPECTED
    for name, blob in files.items():
        if name.endswith(".csv"):
            parsed = rows(blob)
            assert parsed and all(len(row) == len(parsed[0]) for row in parsed), name
    outline = rows(files["outline.csv"])
    assert len({row[2] for row in outline[1:]}) == 10
    schedule = rows(files["schedule.csv"])
    assert sum(int(row[8]) for row in schedule[1:] if row[3] == "total") == 660  # 11.0 credited hours
    assert sum(int(row[9]) for row in schedule[1:] if row[3] == "total") == 550  # at 50 minutes of work each
    final = rows(files["assessment/final-assessment.csv"])
    assert len(final) - 1 == len(assessment.bank()) and all(row[5] for row in final[1:])
    assert b"Lt. Maria Chen" in files["provider.txt"] and b"<CAC>" in files["provider.txt"]
    assert b"=cmd 3" in files["evaluation/comments.txt"]
    assert rows(files["evaluation/summary.csv"])[1][3] == "6"
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def _printed_schedule(capsys):
    """`python -m elsx.curriculum schedule` (its main), as {topic number: [(kind, minutes, title)]} and the text."""
    import re

    from elsx.curriculum import main
    assert main(["schedule"]) == 0
    text = capsys.readouterr().out
    printed, number = {}, None
    for line in text.splitlines():
        heading = re.match(r"Week \d+ · Topic (\d+):", line)
        if heading:
            number = int(heading.group(1))
            printed[number] = []
            continue
        activity = re.match(r"    (\S+(?: \S+)?)\s+([\d.]+) min  (.*?)( \*)?$", line)
        if activity and number is not None:
            kind, minutes, title = activity.group(1), activity.group(2), activity.group(3)
            printed[number].append((kind, minutes, "" if kind == "total" else title))
    return printed, text


@pytest.mark.parametrize("overrides", [{}, {"READING_WPM": 120, "QUESTION_MINUTES": 2}],
                         ids=["defaults", "slower-readers"])
def test_schedule_is_the_one_estimate_learners_and_the_curriculum_schedule_show(
        make_block, commission, settings, capsys, overrides):
    """schedule.csv, schedule.txt, `curriculum schedule` and the blocks' "about N minutes" all read elsx.estimates:
    change a setting and they move together; compute one of them its own way and this fails."""
    import re

    from elsx.curriculum import get_curriculum
    from elsx.trainingfile import api as trainingfile
    from tests.conftest import render
    settings.ELSX = dict(settings.ELSX, **overrides)
    files = read(trainingfile.build(COURSE))
    printed, text = _printed_schedule(capsys)
    assert files["schedule.txt"].decode("utf-8") == text.rstrip("\n")
    schedule = rows(files["schedule.csv"])
    assert schedule[0][:6] == ["week", "topic", "title", "kind", "activity", "minutes"]
    from_csv = {}
    for row in schedule[1:-1]:
        from_csv.setdefault(int(row[1]), []).append((row[3], row[5], row[4]))
    assert from_csv == printed
    learner_estimates = {int(row[1]): int(row[10]) for row in schedule[1:] if row[3] == "total"}
    curriculum = get_curriculum()
    for topic in curriculum.topics:
        data = make_block(f'<elsx_topic topic_id="{topic.id}"/>', "learner-1").student_view_data()
        assert data["estimated_minutes"] == learner_estimates[topic.number], topic.id
    progress_page = render(make_block("<elsx_progress/>", "learner-1"))
    shown = [int(n) for n in re.findall(r"about (\d+) minutes", progress_page)]
    assert shown == [learner_estimates[topic.number] for week in curriculum.weeks for topic in week.topics]
    course = schedule[-1]
    assert course[3] == "course total" and re.search(rf"Course: about {float(course[5]):.0f} minutes", text)


def test_certified_learners_carry_dates_and_engaged_time(make_block, commission, monkeypatch):
    from elsx.trainingfile import api as trainingfile
    monkeypatch.setattr(trainingfile, "_engaged_seconds", lambda course, lid: 11 * 3600)
    certify("learner-1", "=Dana Okonkwo")
    files = read(trainingfile.build(COURSE))
    certified = rows(files["certified-learners.csv"])
    assert len(certified) == 2 and certified[1][0] == "'=Dana Okonkwo" and certified[1][9] == "11.0"
    roster = rows(files["credit-roster.csv"])
    assert len(roster) == 2


def test_dashboard_download_is_staff_only(make_block, commission):
    status, text = handler_get_text(make_block(COHORT_XML, "learner-1"), "training_file")
    assert status == 403 and "README" not in text
    block = make_block(COHORT_XML, "instructor")
    request_status, _text = handler_get_text(block, "training_file")
    assert request_status == 200
    from webob import Request
    response = block.runtime.handle(block, "training_file", Request.blank("/", method="GET"))
    assert response.content_type == "application/zip" and "no-store" in response.headers["Cache-Control"]
    assert set(read(response.body)) == EXPECTED
