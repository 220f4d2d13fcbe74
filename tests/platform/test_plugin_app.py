"""elsx loaded by the real edx_django_utils.plugins, as the LMS loads it: installed, migrated, serving
/elsx/verify/<number>. Mirrors lms/envs/common.py, lms/envs/production.py and lms/urls.py (see project/)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("edx_django_utils.plugins", reason="edx-django-utils is not installed (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "project"
SCRIPT = r'''
import json, datetime
from decimal import Decimal
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
call_command("migrate", verbosity=0)
from elsx.models import Certificate
from elsx.certificates import numbers
number = numbers.generate()
Certificate.objects.create(number=number, course_key="course-v1:ORG+ELS-MEC-101+2026", learner_id="7",
    legal_name="Jordan Example", course_title="Executive Leadership Series", provider_name="Provider",
    credit_hours=Decimal("11.0"), credit_type="In-service", delivery_method="Online",
    completed_on=datetime.date(2026, 11, 1), issued_at=timezone.now(), pdf_path="", pdf_sha256="")
client = Client()
page = client.get("/elsx/verify/" + numbers.display(number))
record = client.get("/elsx/verify/" + numbers.display(number) + ".json")
print(json.dumps({
    "apps": list(settings.INSTALLED_APPS),
    "elsx": {key: settings.ELSX[key] for key in ("PROVIDER_NAME", "SIGNATORY_NAME", "EXPORT_RETENTION_HOURS")},
    "page": [page.status_code, "Jordan Example" in page.content.decode()],
    "json": [record.status_code, record.json().get("status")],
    "unknown": client.get("/elsx/verify/NOT-A-NUMBER").status_code,
}))
'''


def test_the_lms_plugin_framework_installs_migrates_and_serves_elsx(tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="lms.envs.test", PLUGIN_TEST_DIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(PROJECT), str(ROOT)]))
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "elsx.apps.ElsxConfig" in result["apps"]  # from the lms.djangoapp entry point, not these settings
    # The deployment's own value stays; the YAML's is applied; every other key gets its default.
    assert result["elsx"] == {"PROVIDER_NAME": "Set in the LMS settings", "SIGNATORY_NAME": "From the YAML",
                              "EXPORT_RETENTION_HOURS": 24}
    assert result["page"] == [200, True]
    assert result["json"] == [200, "valid"]
    assert result["unknown"] == 404
