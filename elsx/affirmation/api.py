"""The affirmation at claim: the learner affirms they personally completed the training.

Recorded once, with the exact text shown and the time, and linked to the
certificate the claim issued. Required when ELSX["COMMISSION"] is on.
"""
from django.db import IntegrityError
from django.utils import timezone

from elsx import conf

from .models import Affirmation

KEY = "affirmation"


def required():
    return bool(conf.get("COMMISSION"))


def text():
    return conf.get("AFFIRMATION_TEXT")


def get(course_key, learner_id):
    return Affirmation.objects.filter(course_key=course_key, learner_id=learner_id).first()


def record(course_key, learner_id, now=None):
    """The learner's affirmation, recording it now if there is none (idempotent, race-safe)."""
    try:
        row, _created = Affirmation.objects.get_or_create(
            course_key=course_key, learner_id=learner_id,
            defaults={"text": text(), "affirmed_at": now or timezone.now()})
    except IntegrityError:
        row = get(course_key, learner_id)
    return row


def link_certificate(course_key, learner_id, number):
    Affirmation.objects.filter(course_key=course_key, learner_id=learner_id, certificate_number="").update(
        certificate_number=number)
