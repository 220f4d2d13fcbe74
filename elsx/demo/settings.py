"""Settings for the xblock-sdk workbench demo and the test suite.

Use with DJANGO_SETTINGS_MODULE=elsx.demo.settings. ELSX_DB picks the SQLite
file (default var/elsx-demo.db); ELSX_DB_ENGINE=mysql with ELSX_DB_NAME etc.
points at MariaDB/MySQL instead.
"""
import os
import tempfile
from pathlib import Path

import django
from workbench.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from workbench.settings import INSTALLED_APPS as WORKBENCH_APPS
from workbench.settings import WORKBENCH as WORKBENCH_BASE

ROOT = Path(os.environ.get("ELSX_VAR", Path.cwd() / "var"))
ROOT.mkdir(parents=True, exist_ok=True)

# The old django-pyfs breaks on Django 5 (index_together), and no elsx block uses it.
INSTALLED_APPS = [app for app in WORKBENCH_APPS if app != "djpyfs"] + ["elsx"]

if os.environ.get("ELSX_DB_ENGINE") == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("ELSX_DB_NAME", "elsx"),
            "USER": os.environ.get("ELSX_DB_USER", "root"),
            "PASSWORD": os.environ.get("ELSX_DB_PASSWORD", ""),
            "HOST": os.environ.get("ELSX_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("ELSX_DB_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"NAME": os.environ.get("ELSX_DB_TEST_NAME", f"test_elsx_{os.getpid()}"), "CHARSET": "utf8mb4",
                     "COLLATION": "utf8mb4_unicode_ci"},
        }
    }
else:
    _sqlite_options = {"timeout": 30}
    if django.VERSION >= (5, 1):
        # Take the write lock at BEGIN, so concurrent writers queue instead of failing.
        _sqlite_options["transaction_mode"] = "IMMEDIATE"
        # Write-ahead log: one fsync per commit instead of the rollback journal's several (a
        # heartbeat's commit fell from ~16 ms to ~4 ms here; bench/RESULTS.md); still fully durable.
        _sqlite_options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ELSX_DB", str(ROOT / "elsx-demo.db")),
            "OPTIONS": _sqlite_options,
            # A file, not shared-cache memory: concurrency tests need SQLite's busy timeout.
            "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"elsx-test-{os.getpid()}.db")},
        }
    }

ROOT_URLCONF = "elsx.demo.urls"
MEDIA_ROOT = str(ROOT / "media")
MEDIA_URL = "/media/"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGES = [("en", "English"), ("es-419", "Español (Latinoamérica)")]
MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
                  "django.middleware.locale.LocaleMiddleware")

WORKBENCH = dict(WORKBENCH_BASE)
WORKBENCH["services"] = {
    "settings": "workbench.services.SettingsService",
    # Decides who is staff in the demo (the stock one says nobody is).
    "user": "elsx.demo.services.DemoUserService",
}
EXCLUDED_XBLOCKS = {
    "allscopes_demo", "attempts_scoreboard_demo", "equality_demo", "filethumbs", "helloworld_demo", "html_demo",
    "problem_demo", "sidebar_demo", "slider_demo", "textinput_demo", "thumbs", "view_counter_demo",
}

ELSX = {
    "VERIFY_BASE_URL": os.environ.get("ELSX_VERIFY_BASE_URL", "http://127.0.0.1:8000"),
    "INSTRUCTOR_NAME": "Demo Facilitator",
    "INSTRUCTOR_TITLE": "Lead facilitator, Executive Leadership Series",
    "INSTRUCTOR_BIOGRAPHY": "A sample biography for the demo: a retired police captain with twenty years of "
                            "missing-child investigations and ten years teaching command staff.",
}
# The demo signs with a key made on first use under var/; a deployment sets ELSX SIGNING_KEY_FILE.
ELSX_DEV_SIGNING_KEY_FILE = str(ROOT / "elsx-dev-signing-key.json")
# What a POST commission checks is on by default (elsx.conf); ELSX_COMMISSION=0 turns it off. Unset, the
# default stands, so the test suite's conftest decides it for tests.
if os.environ.get("ELSX_COMMISSION"):
    ELSX["COMMISSION"] = os.environ["ELSX_COMMISSION"] == "1"
# Shorter seat-time minimums for trying the demo (docs/engagement.md), e.g. ELSX_DEMO_MINUTES_PER_HOUR=1.
for _name, _key, _type in (("ELSX_DEMO_MINUTES_PER_HOUR", "MIN_ENGAGED_MINUTES_PER_CREDIT_HOUR", float),
                           ("ELSX_DEMO_SECTION_SHARE", "SECTION_READ_SHARE", float),
                           ("ELSX_DEMO_HEARTBEAT_SECONDS", "HEARTBEAT_SECONDS", int),
                           ("ELSX_DEMO_IDLE_SECONDS", "IDLE_CUTOFF_SECONDS", int),
                           # a short staff agency page, to try the pager with the demo's five agencies
                           ("ELSX_DEMO_AGENCY_PAGE_SIZE", "AGENCY_PAGE_SIZE", int)):
    if os.environ.get(_name):
        ELSX[_key] = _type(os.environ[_name])
# Browser tests move the engagement clock by writing seconds into this file (elsx.demo.clock).
if os.environ.get("ELSX_DEMO_CLOCK_FILE"):
    ELSX["CLOCK"] = "elsx.demo.clock.now"
# Reminders sent from the dashboard are written to files under var/mail/: the demo has no mail server.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(ROOT / "mail")
# Workbench user ids that act as course staff in the demo (?student=instructor).
ELSX_DEMO_STAFF_IDS = {"instructor", "staff"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"elsx": {"handlers": ["console"], "level": "INFO"}},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "elsx"}}
