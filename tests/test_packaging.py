"""The wheel installs into a fresh virtualenv and works there, with no stray top-level packages."""
import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = r"""
import json, sys
import django
from django.conf import settings
# A bare Django, as in any host: no workbench, no edx-platform.
settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "elsx"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
django.setup()
from importlib import metadata
dist = metadata.distribution("elsx")
blocks = {}
for ep in metadata.entry_points(group="xblock.v1"):
    if ep.dist and ep.dist.name == "elsx":
        blocks[ep.name] = ep.load().__name__
apps = [ep.value for ep in metadata.entry_points(group="lms.djangoapp") if ep.name == "elsx"]
from elsx.curriculum import get_curriculum
from elsx.resources import curriculum_dir, certificate_assets_dir
c = get_curriculum()
top = sorted({f.parts[0].split(".")[0] for f in dist.files
              if not f.parts[0].endswith((".dist-info", ".data")) and len(f.parts) > 1} |
             {f.parts[0][:-3] for f in dist.files if len(f.parts) == 1 and f.parts[0].endswith(".py")})
print(json.dumps({"blocks": blocks, "apps": apps, "topics": len(c.topics), "weeks": len(c.weeks),
                  "hours": str(c.hours), "top_level": top, "curriculum_dir": str(curriculum_dir()),
                  "certificate_dir": str(certificate_assets_dir()), "prefix": sys.prefix}))
"""


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_virtualenv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(ROOT)], check=True)
    wheel = next(dist.glob("elsx-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    # Run from an empty folder so the checkout's elsx/ cannot be imported by accident.
    result = subprocess.run([str(python), "-c", CHECK], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""}, check=False)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["blocks"]["elsx_topic"] == "TopicBlock"
    assert found["blocks"]["elsx_progress"] == "ProgressBlock"
    assert found["apps"] == ["elsx.apps:ElsxConfig"]
    assert (found["topics"], found["weeks"], found["hours"]) == (10, 6, "11.0")
    assert found["top_level"] == ["elsx"], found["top_level"]
    assert found["curriculum_dir"].startswith(str(env_dir)) and found["curriculum_dir"].endswith("curriculum_files")
    assert found["certificate_dir"].startswith(str(env_dir))
