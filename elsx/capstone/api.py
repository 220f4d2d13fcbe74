"""The capstone Community Action Plan builder (topic 10): save a draft, submit, reopen, download.

A plan has three parts (modules/community-action-planning.xml, activity
"community-action-plan"): a readiness self-assessment against the three
Missing Kids Readiness Program criteria, three to five goals, and a
communication plan. Drafts may be partial; submitting needs every part.
Everything a learner typed passes elsx.validation.clean_text before it is
stored, and a bad request stores nothing. The facilitator review
(elsx.commission) reviews submitted plans: see /work/wt/notes/capstone.md.
"""
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elsx.capstone.models import CommunityActionPlan
from elsx.errors import Conflict, InvalidInput
from elsx.validation import clean_text, require_keys

TOPIC_ID = "community-action-planning"
ACTIVITY_ID = "community-action-plan"
MIN_GOALS, MAX_GOALS = 3, 5
STATUSES = ("met", "partly", "not_met")
# The three MKRP criteria, in the order NCMEC lists them.
CRITERIA = (
    ("executive_training", gettext_lazy("Executive training")),
    ("policy", gettext_lazy("Policy")),
    ("personnel_training", gettext_lazy("Personnel training")),
)
STATUS_LABELS = {"met": gettext_lazy("Met"), "partly": gettext_lazy("Partly met"),
                 "not_met": gettext_lazy("Not met"), "": gettext_lazy("Not assessed")}
CRITERION_FIELDS = (("evidence", gettext_lazy("Evidence"), 1000), ("gap", gettext_lazy("Gap"), 1000))
GOAL_FIELDS = (
    ("goal", gettext_lazy("Goal"), 500),
    ("owner", gettext_lazy("Owner"), 200),
    ("timeline", gettext_lazy("Timeline"), 500),
    ("resources", gettext_lazy("Resources"), 1000),
    ("partners", gettext_lazy("Partners"), 1000),
    ("measure", gettext_lazy("Measure"), 500),
)
COMMUNICATION_FIELDS = (
    ("personnel", gettext_lazy("Your personnel"), 2000),
    ("partners", gettext_lazy("Your partners"), 2000),
    ("community", gettext_lazy("Your community and governing body"), 2000),
)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    status: str = ""
    evidence: str = ""
    gap: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Goal:
    goal: str = ""
    owner: str = ""
    timeline: str = ""
    resources: str = ""
    partners: str = ""
    measure: str = ""

    def fields(self):
        return [(str(label), getattr(self, name)) for name, label, _limit in GOAL_FIELDS]


@dataclass(frozen=True)
class Communication:
    personnel: str = ""
    partners: str = ""
    community: str = ""
    first_review: str = ""  # ISO date, YYYY-MM-DD

    def fields(self):
        return [(str(label), getattr(self, name)) for name, label, _limit in COMMUNICATION_FIELDS]


@dataclass(frozen=True)
class Plan:
    course_key: str
    learner_id: str
    readiness: tuple
    goals: tuple
    communication: Communication
    revision: int = 0
    submitted_at: object = None
    submitted_revision: int = None
    updated_at: object = None

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    def missing(self):
        """What still blocks submission, as sentences for the learner; empty when complete."""
        found = []
        for criterion in self.readiness:
            if not criterion.status or not criterion.evidence:
                found.append(_("{criterion}: choose where your agency stands and give the evidence.").format(
                    criterion=criterion.label))
        if len(self.goals) < MIN_GOALS:
            found.append(_("Write at least {min} goals; the plan has {count}.").format(
                min=MIN_GOALS, count=len(self.goals)))
        for number, goal in enumerate(self.goals, 1):
            empty = [label for label, value in goal.fields() if not value]
            if empty:
                found.append(_("Goal {n}: fill in {fields}.").format(n=number, fields=", ".join(empty)))
        empty = [label for label, value in self.communication.fields() if not value]
        if not self.communication.first_review:
            empty.append(str(_("the date of the first progress review")))
        if empty:
            found.append(_("Communication plan: fill in {fields}.").format(fields=", ".join(empty)))
        return found

    @property
    def is_complete(self):
        return not self.missing()


# --- cleaning what the learner sent --------------------------------------------

def _clean_criteria(value):
    if not isinstance(value, dict):
        raise InvalidInput(_("The readiness assessment must be an object."), field="readiness")
    require_keys(value, [key for key, _label in CRITERIA])
    cleaned = {}
    for key, label in CRITERIA:
        item = value.get(key, {})
        if not isinstance(item, dict):
            raise InvalidInput(_("{criterion} must be an object.").format(criterion=label), field="readiness")
        require_keys(item, ("status", "evidence", "gap"))
        status = item.get("status", "")
        if status not in STATUSES + ("",):
            raise InvalidInput(_("{criterion}: the status must be met, partly or not_met.").format(
                criterion=label), field="readiness")
        entry = {"status": status}
        for name, field_label, limit in CRITERION_FIELDS:
            entry[name] = clean_text(item.get(name, ""), "readiness", f"{label}: {field_label}",
                                     max_length=limit, multiline=True, required=False)
        cleaned[key] = entry
    return cleaned


def _clean_goals(value):
    if not isinstance(value, list) or len(value) > MAX_GOALS:
        raise InvalidInput(_("Goals must be a list of at most {max}.").format(max=MAX_GOALS), field="goals")
    cleaned = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise InvalidInput(_("Goal {n} must be an object.").format(n=number), field="goals")
        require_keys(item, [name for name, _label, _limit in GOAL_FIELDS])
        entry = {name: clean_text(item.get(name, ""), "goals", _("Goal {n}: {field}").format(n=number, field=label),
                                  max_length=limit, multiline=True, required=False)
                 for name, label, limit in GOAL_FIELDS}
        if any(entry.values()):  # the form always sends five; blank ones are not goals
            cleaned.append(entry)
    return cleaned


def _clean_date(value):
    value = clean_text(value, "communication", _("The first progress review"), max_length=10, required=False)
    if not value:
        return ""
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 10 or not 2000 <= parsed.year <= 2100:
        raise InvalidInput(_("The first progress review must be a date, YYYY-MM-DD."), field="communication")
    return parsed.isoformat()


def _clean_communication(value):
    if not isinstance(value, dict):
        raise InvalidInput(_("The communication plan must be an object."), field="communication")
    require_keys(value, [name for name, _label, _limit in COMMUNICATION_FIELDS] + ["first_review"])
    cleaned = {name: clean_text(value.get(name, ""), "communication", label, max_length=limit, multiline=True,
                                required=False)
               for name, label, limit in COMMUNICATION_FIELDS}
    cleaned["first_review"] = _clean_date(value.get("first_review", ""))
    return cleaned


def clean_plan(data):
    """The stored form of what the learner sent, or InvalidInput naming the first problem."""
    require_keys(data, ("readiness", "goals", "communication"), required=("readiness", "goals", "communication"))
    return {"readiness": _clean_criteria(data["readiness"]), "goals": _clean_goals(data["goals"]),
            "communication": _clean_communication(data["communication"])}


# --- reading and writing --------------------------------------------------------

def _plan(course_key, learner_id, row=None):
    data = row.data if row is not None else {}
    readiness = data.get("readiness", {})
    return Plan(
        course_key=course_key, learner_id=learner_id,
        readiness=tuple(Criterion(key, str(label), **readiness.get(key, {})) for key, label in CRITERIA),
        goals=tuple(Goal(**goal) for goal in data.get("goals", [])),
        communication=Communication(**data.get("communication", {})),
        revision=row.revision if row is not None else 0,
        submitted_at=row.submitted_at if row is not None else None,
        submitted_revision=row.submitted_revision if row is not None else None,
        updated_at=row.updated_at if row is not None else None,
    )


def get_plan(course_key, learner_id):
    row = CommunityActionPlan.objects.filter(course_key=course_key, learner_id=learner_id).first()
    return _plan(course_key, learner_id, row)


def _locked_row(course_key, learner_id):
    """The learner's row, created if needed, locked for this transaction."""
    CommunityActionPlan.objects.get_or_create(course_key=course_key, learner_id=learner_id)
    return CommunityActionPlan.objects.select_for_update().get(course_key=course_key, learner_id=learner_id)


def _write(row, cleaned):
    if row.data != cleaned or row.revision == 0:
        row.data = cleaned
        row.revision += 1
        row.save()


def save_plan(course_key, learner_id, data):
    """Save a draft (partial is fine). Same content again changes nothing; a submitted plan is refused."""
    cleaned = clean_plan(data)  # before any write: bad input stores nothing
    with transaction.atomic():
        row = _locked_row(course_key, learner_id)
        if row.submitted_at is not None:
            if row.data == cleaned:
                return _plan(course_key, learner_id, row)
            raise Conflict(_("This plan is submitted for review. Withdraw it to make changes."))
        _write(row, cleaned)
    return _plan(course_key, learner_id, row)


def submit_plan(course_key, learner_id, data=None, now=None):
    """Save data (if given) and submit the plan for review, all or nothing.

    An incomplete plan is InvalidInput listing what is missing, and nothing is
    stored. Submitting the same plan again changes nothing (same submitted_at).
    """
    cleaned = clean_plan(data) if data is not None else None
    with transaction.atomic():
        row = _locked_row(course_key, learner_id) if cleaned is not None else \
            CommunityActionPlan.objects.select_for_update().filter(course_key=course_key,
                                                                   learner_id=learner_id).first()
        if row is not None and row.submitted_at is not None:
            if cleaned is None or row.data == cleaned:
                return _plan(course_key, learner_id, row)
            raise Conflict(_("This plan is submitted for review. Withdraw it to make changes."))
        if cleaned is not None:
            _write(row, cleaned)
        if row is None or row.revision == 0:
            raise InvalidInput(_("Save your plan before you submit it."))
        missing = _plan(course_key, learner_id, row).missing()
        if missing:
            # The transaction rolls back: an incomplete submission stores nothing, not even the draft.
            raise InvalidInput(_("The plan is not complete yet: {missing}").format(missing=" ".join(missing)),
                               missing=missing)
        row.submitted_at = now or timezone.now()
        row.submitted_revision = row.revision
        row.save(update_fields=["submitted_at", "submitted_revision", "updated_at"])
    return _plan(course_key, learner_id, row)


def reopen_plan(course_key, learner_id):
    """Back to draft: for the review's "return for revision" and the learner's "withdraw". Idempotent."""
    with transaction.atomic():
        row = CommunityActionPlan.objects.select_for_update().filter(
            course_key=course_key, learner_id=learner_id).first()
        if row is not None and row.submitted_at is not None:
            row.submitted_at = None
            row.save(update_fields=["submitted_at", "updated_at"])
    return _plan(course_key, learner_id, row)


def plans_for(course_key, learner_ids=None):
    """{learner_id: Plan} in one query, for staff views."""
    rows = CommunityActionPlan.objects.filter(course_key=course_key)
    if learner_ids is not None:
        rows = rows.filter(learner_id__in=list(learner_ids))
    return {row.learner_id: _plan(course_key, row.learner_id, row) for row in rows}


def erase_for_learner(learner_id, course_key=None):
    """Retirement: a plan names people and places, so it goes entirely."""
    rows = CommunityActionPlan.objects.filter(learner_id=learner_id)
    if course_key is not None:
        rows = rows.filter(course_key=course_key)
    return rows.delete()[0]


def plan_pdf(plan, learner_name="", agency="", course_title="", now=None):
    """The plan as a PDF for the learner's agency (elsx.capstone.pdf: the certificate's safe renderer)."""
    from elsx.capstone import pdf  # WeasyPrint loads only when a PDF is asked for
    return pdf.render(plan, learner_name=learner_name, agency=agency, course_title=course_title,
                      now=now or timezone.now())
