"""The elsx Django app, registered with Open edX as a plugin (no edits to the platform)."""
from django.apps import AppConfig


class ElsxConfig(AppConfig):
    name = "elsx"
    verbose_name = "Executive Leadership Series"
    default_auto_field = "django.db.models.BigAutoField"

    # Read by edx-django-utils' plugin framework in the LMS and Studio.
    plugin_app = {
        "url_config": {
            "lms.djangoapp": {"namespace": "elsx", "regex": r"^elsx/", "relative_path": "urls"},
            "cms.djangoapp": {"namespace": "elsx", "regex": r"^elsx/", "relative_path": "urls"},
        },
        "settings_config": {
            "lms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
            "cms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
        },
    }

    def ready(self):
        # Only edx-platform has retirement signals; compat returns none elsewhere.
        from elsx import checks, retirement  # noqa: F401  (models first; checks register on import)
        retirement.connect_signals()
