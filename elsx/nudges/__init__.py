"""Reminders ("nudges") staff send from the cohort dashboard's current filter.

One template, rendered per learner (name, next topic, the schedule), throttled
per learner, never to learners who opted out of course email, each send and
failure recorded in NudgeLog (who, to whom, which template, when; never a body).
"""
