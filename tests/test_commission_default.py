"""COMMISSION is on by default; a course without a final bank or evaluation form says so and never issues."""
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command

from elsx import eligibility
from elsx.assessment import api as assessment
from elsx.assessment.models import FinalAttempt
from elsx.evaluation import api as evaluation
from elsx.evaluation.models import EvaluationCompletion, EvaluationResponse
from elsx.learners import Learner
from elsx.models import Certificate
from elsx.review import api as review
from elsx.resources import curriculum_dir
from tests.certificates_helpers import CLAIM, media  # noqa: F401
from tests.commission_helpers import commission_topics
from tests.conftest import call, render

COURSE = "course-v1:ELSX+EXEC101+demo"
SHIPPED = """
import json
from django.conf import settings
settings.configure()  # a bare platform-like process: nothing in ELSX
from types import SimpleNamespace
from elsx.conf import DEFAULTS
from elsx.settings import common
deployment = SimpleNamespace()
common.plugin_settings(deployment)
print(json.dumps({"default": DEFAULTS["COMMISSION"], "plugin": deployment.ELSX["COMMISSION"]}))
"""


def test_the_shipped_default_is_on_in_the_platform_and_the_demo():
    """Read outside this suite (its conftest turns the requirements off for tests about other things)."""
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "ELSX_COMMISSION")}
    result = subprocess.run([sys.executable, "-c", SHIPPED], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == {"default": True, "plugin": True}
    demo = ("import os, json; os.environ.setdefault('ELSX_VAR', {var!r}); from elsx.demo import settings; "
            "print(json.dumps(settings.ELSX.get('COMMISSION', 'default')))")
    for value, expected in (("", "default"), ("0", False), ("1", True)):
        run_env = dict(env, ELSX_COMMISSION=value) if value else env
        shown = subprocess.run([sys.executable, "-c", demo.format(var=str(curriculum_dir().parent / "var"))],
                               env=run_env, capture_output=True, text=True, timeout=120, check=False)
        assert shown.returncode == 0 and json.loads(shown.stdout) == expected, shown.stderr[-2000:]


@pytest.fixture
def shipped(db, settings, media, commission_on):  # noqa: F811
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org",  # nothing about COMMISSION: the default
                     "REFLECTION_MIN_WORDS": 0, "REFLECTION_MIN_WORDS_BY_TOPIC": {}}


def test_on_by_default_the_list_carries_the_four_requirements(shipped):
    commission_topics("learner-1")
    keys = [req.key for req in eligibility.check(COURSE, "learner-1").requirements]
    assert keys[10:] == ["accepted:community-action-planning", "final_assessment", "evaluation", "affirmation"]


@pytest.fixture
def without(tmp_path, monkeypatch):
    """without("final-assessment.xml"): the course's curriculum, less that file."""
    def make(name):
        folder = tmp_path / "modules"
        shutil.copytree(curriculum_dir(), folder)
        (folder / name).unlink()
        monkeypatch.setenv("ELSX_CURRICULUM_DIR", str(folder))
        assessment.bank.cache_clear()
        evaluation.form.cache_clear()
        return folder
    yield make
    assessment.bank.cache_clear()
    evaluation.form.cache_clear()


def system_check():
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    return out.getvalue()


def test_no_final_bank_the_final_says_so_refuses_and_the_claim_never_issues(make_block, shipped, without):
    from elsx.trainingfile import api as trainingfile
    without("final-assessment.xml")
    commission_topics("learner-1")
    row = review.current(COURSE, "learner-1", "community-action-planning")
    review.decide(COURSE, row.pk, Learner(id="instructor", is_staff=True), "accept",
                  {key: 2 for key, _l in review.RUBRIC}, "")
    final = eligibility.check(COURSE, "learner-1").get("final_assessment")
    assert not final.met and "no final assessment yet" in final.remaining
    block = make_block("<elsx_final/>", "learner-1")
    page = render(block)
    assert 'data-region="unavailable"' in page and "Start the final assessment" not in page
    status, body = call(block, "start", {})
    assert status == 503 and "no final assessment yet" in body["error"] and not FinalAttempt.objects.exists()
    status, body = call(make_block("<elsx_certificate/>", "learner-1"), "claim", dict(CLAIM, affirm=True))
    assert status in (400, 403) and not Certificate.objects.exists()
    archive = zipfile.ZipFile(io.BytesIO(trainingfile.build(COURSE)))  # still builds, and says what is missing
    assert b"no final assessment yet" in archive.read("training-file/assessment/final-rules.txt")
    warned = system_check()
    assert "elsx.W001" in warned and "final-assessment.xml" in warned and "elsx.W002" not in warned


def test_no_evaluation_form_the_block_says_so_and_a_submit_stores_nothing(make_block, shipped, without):
    without("evaluation.xml")
    page = render(make_block("<elsx_evaluation/>", "learner-1"))
    assert 'data-region="unavailable"' in page and "no course evaluation yet" in page
    status, body = call(make_block("<elsx_evaluation/>", "learner-1"), "submit", {"ratings": {}, "comments": {}})
    assert status == 503 and "no course evaluation yet" in body["error"]
    assert not EvaluationCompletion.objects.exists() and not EvaluationResponse.objects.exists()
    commission_topics("learner-1")
    requirement = eligibility.check(COURSE, "learner-1").get("evaluation")
    assert not requirement.met and "no course evaluation yet" in requirement.remaining
    staff_page = render(make_block("<elsx_evaluation/>", "instructor"))
    assert "no course evaluation yet" in staff_page
    status, _text = call(make_block("<elsx_evaluation/>", "instructor"), "export", method="GET")
    assert status == 503
    warned = system_check()
    assert "elsx.W002" in warned and "elsx.W001" not in warned


def test_no_warning_when_the_content_is_there_or_commission_is_off(db, settings, commission_on):
    from elsx.checks import commission_content
    assert commission_content() == []
    settings.ELSX = {"COMMISSION": False}
    assert commission_content() == []


@pytest.mark.slow
def test_make_dev_seed_works_with_the_defaults(db, settings, media, commission_on, seat_time):  # noqa: F811
    """What `make dev` seeds, with the requirements on and the real seat-time rules: the graduate has only
    the affirmation (made at claim) left, and the seeded finishers are eligible as well."""
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org"}
    call_command("elsx_seed_demo", stdout=io.StringIO())
    status = eligibility.check(COURSE, "graduate")
    assert [req.key for req in status.missing] == ["affirmation"] and status.hours == 11
    from elsx.models import LearnerProfile
    finished = list(LearnerProfile.objects.filter(course_key=COURSE, completed_at__isnull=False,
                                                  learner_id__startswith="seed-").values_list("learner_id", flat=True))
    claimed = set(LearnerProfile.objects.filter(learner_id__in=finished, claimed_at__isnull=False)
                  .values_list("learner_id", flat=True))
    for learner_id, result in eligibility.check_many(COURSE, finished).items():
        assert [req.key for req in result.missing] == ([] if learner_id in claimed else ["affirmation"]), learner_id
    assert Certificate.objects.filter(course_key=COURSE).exists()


def test_curriculum_check_notes_a_missing_bank_or_form(tmp_path, capsys):
    from elsx.curriculum import main
    folder = tmp_path / "modules"
    shutil.copytree(curriculum_dir(), folder)
    assert main(["check", str(folder)]) == 0 and "note:" not in capsys.readouterr().err
    (folder / "final-assessment.xml").unlink()
    (folder / "evaluation.xml").unlink()
    assert main(["check", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "no final-assessment.xml" in err and "no evaluation.xml" in err and "COMMISSION" in err
