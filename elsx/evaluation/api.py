"""The course evaluation: submit once, aggregates for staff, an anonymous export.

Who completed it (EvaluationCompletion, for eligibility) and what they answered
(EvaluationResponse, no learner, no time) are written in one transaction and
never linked. Staff see counts per point and the mean; open comments only once
EVALUATION_COMMENTS_MIN learners have answered, so a small cohort's comments
cannot be traced to a person.
"""
import random
from dataclasses import dataclass
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elsx import conf
from elsx.cohort.exports import csv_lines
from elsx.curriculum import CurriculumError, load_evaluation
from elsx.errors import InvalidInput, Unavailable
from elsx.models import LearnerProfile
from elsx.progress import ensure_profile
from elsx.validation import clean_text

from .models import EvaluationCompletion, EvaluationResponse

COMMENT_MAX = 2000


@lru_cache(maxsize=1)
def form():
    """The evaluation items from modules/evaluation.xml."""
    return load_evaluation()


def unavailable():
    """Why nobody can answer this course's evaluation ("" when its form loads): without a valid
    evaluation.xml the requirement stays unmet under COMMISSION, and says so instead of failing."""
    try:
        form()
    except CurriculumError:
        return _("This course has no course evaluation yet (its form is missing or invalid). Ask the course team.")
    return ""


def rated_items():
    return [item for item in form().items if item.scale]


def comment_items():
    return [item for item in form().items if not item.scale]


def completed(course_key, learner_id):
    return EvaluationCompletion.objects.filter(course_key=course_key, learner_id=learner_id).exists()


def completion(course_key, learner_id):
    return EvaluationCompletion.objects.filter(course_key=course_key, learner_id=learner_id).first()


def clean(ratings, comments):
    """Every rated item answered with one of its points; comments optional, plain text."""
    if unavailable():
        raise Unavailable(unavailable())
    if not isinstance(ratings, dict) or not isinstance(comments, dict):
        raise InvalidInput(_("Send ratings and comments as objects."))
    known_rated = {item.id: item for item in rated_items()}
    known_comments = {item.id: item for item in comment_items()}
    unknown = sorted(str(key)[:40] for key in list(ratings) + list(comments)
                     if key not in known_rated and key not in known_comments)
    if unknown or set(ratings) & set(known_comments) or set(comments) & set(known_rated):
        raise InvalidInput(_("Unknown evaluation item(s): {ids}.").format(ids=", ".join(unknown[:10]) or "?"))
    missing = [item_id for item_id in known_rated if ratings.get(item_id) in (None, "")]
    if missing:
        raise InvalidInput(_("Rate every statement; {count} not answered.").format(count=len(missing)),
                           field=missing[0], unanswered=missing)
    cleaned_ratings = {}
    for item_id, item in known_rated.items():
        value = ratings[item_id]
        if type(value) is not int or value not in {point for point, _label in item.points}:  # noqa: E721  no bools
            raise InvalidInput(_("Choose one of the labelled answers."), field=item_id)
        cleaned_ratings[item_id] = value
    cleaned_comments = {}
    for item_id in known_comments:
        text = clean_text(comments.get(item_id, ""), item_id, _("Your comment"), 0, COMMENT_MAX,
                          multiline=True, required=False)
        if text:
            cleaned_comments[item_id] = text
    return cleaned_ratings, cleaned_comments


def submit(course_key, learner, ratings, comments, now=None):
    """Record the evaluation once; returns (completion, duplicate). A second submit changes nothing."""
    cleaned_ratings, cleaned_comments = clean(ratings, comments)
    profile = ensure_profile(course_key, learner)
    with transaction.atomic():
        LearnerProfile.objects.select_for_update().get(pk=profile.pk)
        existing = completion(course_key, learner.id)
        if existing is not None:
            return existing, True
        try:
            with transaction.atomic():
                done = EvaluationCompletion.objects.create(course_key=course_key, learner_id=learner.id,
                                                           completed_at=now or timezone.now())
        except IntegrityError:
            return completion(course_key, learner.id), True
        EvaluationResponse.objects.create(course_key=course_key, ratings=cleaned_ratings,
                                          comments=cleaned_comments)
    return done, False


@dataclass
class ItemSummary:
    item: object
    counts: list     # [(value, label, count)]
    answered: int
    mean: object     # float or None


@dataclass
class Summary:
    responses: int
    items: list
    comments: dict   # {item: [text]} or {} while below the threshold
    comments_hidden: bool
    threshold: int


def summary(course_key):
    """Aggregates for staff: counts per point and mean per rated item; comments at the threshold."""
    rows = list(EvaluationResponse.objects.filter(course_key=course_key).values_list("ratings", "comments"))
    threshold = int(conf.get("EVALUATION_COMMENTS_MIN"))
    items = []
    for item in ([] if unavailable() else rated_items()):  # no form: nothing to count by
        values = [ratings.get(item.id) for ratings, _c in rows if ratings.get(item.id) is not None]
        counts = [(value, label, values.count(value)) for value, label in item.points]
        items.append(ItemSummary(item, counts, len(values), round(sum(values) / len(values), 2) if values else None))
    hidden = len(rows) < threshold
    comments = {}
    if not hidden and not unavailable():
        for item in comment_items():
            texts = [c[item.id] for _r, c in rows if c.get(item.id)]
            random.shuffle(texts)  # no order to line up with completion times
            comments[item] = texts
    return Summary(len(rows), items, comments, hidden, threshold)


def export_lines(course_key):
    """The anonymous export: one row per response, random order, no learner, no time."""
    items = list(form().items)
    header = [item.id for item in items]
    rows = []
    show_comments = EvaluationResponse.objects.filter(course_key=course_key).count() >= int(
        conf.get("EVALUATION_COMMENTS_MIN"))
    for ratings, comments in EvaluationResponse.objects.filter(course_key=course_key).order_by("id").values_list(
            "ratings", "comments"):
        rows.append([ratings.get(item.id, "") if item.scale else (comments.get(item.id, "") if show_comments else "")
                     for item in items])
    return csv_lines(header, rows)


def summary_lines(course_key):
    """The aggregates as CSV: item, statement, then a count per point, answered and mean."""
    data = summary(course_key)
    header = ["item", "group", "statement", "answered", "mean", "counts"]
    rows = [[s.item.id, s.item.group, s.item.prompt, s.answered, "" if s.mean is None else s.mean,
             "; ".join(f"{label}: {count}" for _v, label, count in s.counts)] for s in data.items]
    return csv_lines(header, rows)
