"""Learners' decisions in a topic's case studies (the <scenario> element)."""
