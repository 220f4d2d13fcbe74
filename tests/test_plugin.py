"""The Open edX plugin configuration, and the app without edx-platform."""
import importlib
import re
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from types import SimpleNamespace

import pytest
from django.apps import apps

from elsx.apps import ElsxConfig
from elsx.conf import DEFAULTS

PROJECTS = ("lms.djangoapp", "cms.djangoapp")


@pytest.mark.parametrize("project", PROJECTS)
def test_entry_point_names_the_app_config(project):
    found = {ep.name: ep.value for ep in entry_points(group=project)}
    assert found.get("elsx") == "elsx.apps:ElsxConfig"


@pytest.mark.parametrize("project", PROJECTS)
def test_url_config_mounts_the_app_urls_under_elsx(project):
    config = ElsxConfig.plugin_app["url_config"][project]
    assert config["namespace"] == "elsx"
    assert re.compile(config["regex"]).match("elsx/verify/ABCD") and not re.compile(config["regex"]).match("x/elsx/")
    module = importlib.import_module(f"{ElsxConfig.name}.{config['relative_path']}")
    assert isinstance(module.urlpatterns, list)
    assert getattr(module, "app_name", config["namespace"]) == config["namespace"]


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("settings_type", ["common", "production"])
def test_settings_config_modules_have_plugin_settings(project, settings_type):
    config = ElsxConfig.plugin_app["settings_config"][project][settings_type]
    module = importlib.import_module(f"{ElsxConfig.name}.{config['relative_path']}")
    assert callable(module.plugin_settings)


@pytest.mark.parametrize("settings_type", ["common", "production"])
def test_plugin_settings_fill_defaults_without_overriding_the_deployment(settings_type):
    module = importlib.import_module(f"elsx.settings.{settings_type}")
    deployment = {"SIGNATORY_NAME": "Dr. A. Director", "VERIFY_RATE_LIMIT": 5, "CREDIT_TYPE": "CE"}
    settings = SimpleNamespace(ELSX=dict(deployment), ENV_TOKENS={})
    module.plugin_settings(settings)
    for key, value in DEFAULTS.items():
        assert settings.ELSX[key] == deployment.get(key, value)
    for key in ("SIGNATORY_NAME", "SIGNATORY_TITLE", "PROVIDER_NAME", "CREDIT_TYPE", "COURSE_NUMBER",
                "VERIFY_RATE_LIMIT"):
        assert key in settings.ELSX
    empty = SimpleNamespace()
    module.plugin_settings(empty)
    assert empty.ELSX == DEFAULTS and empty.ELSX is not DEFAULTS


def test_production_settings_take_the_deployment_yaml():
    from elsx.settings import production
    settings = SimpleNamespace(ENV_TOKENS={"ELSX": {"PROVIDER_NAME": "State Academy"}})
    production.plugin_settings(settings)
    assert settings.ELSX["PROVIDER_NAME"] == "State Academy"
    assert settings.ELSX["COURSE_NUMBER"] == DEFAULTS["COURSE_NUMBER"]


def test_no_retirement_receivers_outside_edx_platform():
    from elsx import compat
    assert compat.retirement_signals() == []
    assert apps.get_app_config("elsx").plugin_app is ElsxConfig.plugin_app


MINIMAL_SETTINGS = """
SECRET_KEY = "not-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "elsx"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
USE_TZ = True
"""

CHECK = """
import django, importlib, pkgutil, sys
django.setup()
import elsx
skip = ("elsx.demo", "elsx.curriculum_files", "elsx.certificate_files")
for info in pkgutil.walk_packages(elsx.__path__, "elsx."):
    if not info.name.startswith(skip):
        importlib.import_module(info.name)
assert "workbench" not in sys.modules, "elsx imports the workbench"
assert not [name for name in sys.modules if name.split(".")[0] in ("openedx", "lms", "cms", "xmodule")]
from elsx import compat
assert compat.retirement_signals() == []
print("imported")
"""


@pytest.mark.slow
def test_app_imports_and_migrates_without_edx_platform(tmp_path):
    (tmp_path / "minimal_settings.py").write_text(MINIMAL_SETTINGS.format(db=str(tmp_path / "empty.db")))
    env = {"PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "minimal_settings", "PATH": "/usr/bin:/bin"}

    def run(*args):
        result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "imported" in run("-c", textwrap.dedent(CHECK))
    assert "Applying elsx.0001_initial... OK" in run("-m", "django", "migrate", "--no-input")
    out = run("-m", "django", "showmigrations", "elsx")
    assert "[X]" in out and "[ ]" not in out
    # Reversible: back to zero and forward again.
    assert "Unapplying elsx.0001_initial... OK" in run("-m", "django", "migrate", "elsx", "zero", "--no-input")
    run("-m", "django", "migrate", "--no-input")
    run("-m", "django", "makemigrations", "elsx", "--check", "--dry-run")
