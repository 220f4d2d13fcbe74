"""Production settings: a deployment's ELSX_OVERRIDES (from its YAML) win over defaults."""
from elsx.settings.common import plugin_settings as common_settings


def plugin_settings(settings):
    common_settings(settings)
    tokens = getattr(settings, "ENV_TOKENS", None) or {}
    settings.ELSX.update(tokens.get("ELSX", {}) or {})
