"""Settings as lms/envs/common.py and lms/envs/production.py build them, for plugins only.

lms/envs/common.py: INSTALLED_APPS.extend(get_plugin_apps(ProjectType.LMS)) and
add_plugins(__name__, ProjectType.LMS, SettingsType.COMMON); lms/envs/production.py: ENV_TOKENS from the
YAML, then add_plugins(__name__, ProjectType.LMS, SettingsType.PRODUCTION). ProjectType.LMS is
"lms.djangoapp" (openedx/core/djangoapps/plugins/constants.py).
"""
import os

from edx_django_utils.plugins import add_plugins, get_plugin_apps

LMS = "lms.djangoapp"
SECRET_KEY = "plugin-test-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
ROOT_URLCONF = "lms.urls"
LMS_ROOT_URL = "https://lms.example.org"
MEDIA_ROOT = os.path.join(os.environ["PLUGIN_TEST_DIR"], "media")
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(os.environ["PLUGIN_TEST_DIR"], "lms.db")}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"]
INSTALLED_APPS.extend(get_plugin_apps(LMS))
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.common.CommonMiddleware"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
ELSX = {"PROVIDER_NAME": "Set in the LMS settings"}
add_plugins(__name__, LMS, "common")
ENV_TOKENS = {"ELSX": {"SIGNATORY_NAME": "From the YAML"}}
add_plugins(__name__, LMS, "production")
