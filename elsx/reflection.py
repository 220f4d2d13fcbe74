"""Reflection length rules in words (used when ELSX["COMMISSION"] is on).

Commissions read reflections as evidence the objectives were met, so a
minimum in words (default 150; the capstone 400) replaces the 20-character floor.
"""
from django.utils.translation import gettext as _

from elsx import conf
from elsx.errors import InvalidInput


def min_words(topic_id):
    """The minimum for a topic's reflection, 0 when COMMISSION is off."""
    if not conf.get("COMMISSION"):
        return 0
    by_topic = conf.get("REFLECTION_MIN_WORDS_BY_TOPIC") or {}
    return int(by_topic.get(topic_id, conf.get("REFLECTION_MIN_WORDS")))


def count(text):
    """Words as a reader counts them: runs of non-space characters (what topic.js counts too)."""
    return len((text or "").split())


def check(topic_id, text):
    needed = min_words(topic_id)
    words = count(text)
    if words < needed:
        raise InvalidInput(_("Your reflection needs at least {min} words; it has {words}.").format(
            min=needed, words=words), field="reflection", min_words=needed, words=words)
