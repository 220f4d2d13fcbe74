"""Facilitator review of topics that need acceptance (the capstone by default)."""
