"""Defaults merged into the LMS and Studio settings by the plugin framework."""
from elsx.conf import DEFAULTS


def plugin_settings(settings):
    """Fill settings.ELSX with every default the deployment has not set."""
    configured = dict(getattr(settings, "ELSX", None) or {})
    for key, value in DEFAULTS.items():
        configured.setdefault(key, value)
    settings.ELSX = configured
