"""Settings hooks the Open edX plugin framework calls (see ElsxConfig.plugin_app)."""
