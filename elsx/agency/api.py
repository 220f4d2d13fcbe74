"""Agency readiness: records, matching, merging, attestations, reviews and the dashboard's reads.

Identity (learner or staff id) comes from the caller, which takes it from the runtime.
Every write is idempotent: the same attestation twice changes nothing, and concurrent
writers are serialised on the agency row.
"""
import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elsx import conf, storage
from elsx.agency import criteria, documents, names
from elsx.agency.models import KIND_CHOICES, Agency, AgencyLearner, Attestation, AttestationLog
from elsx.cohort.query import Page
from elsx.errors import Conflict, InvalidInput, NotAllowed, NotFound, Unavailable
from elsx.validation import clean_text

log = logging.getLogger(__name__)

KINDS = dict(KIND_CHOICES)
STATE_NOT_STARTED = "not_started"
STATE_IN_PROGRESS = "in_progress"
STATE_READY = "ready_to_apply"
STATE_MEMBER = "member"
STATES = (STATE_NOT_STARTED, STATE_IN_PROGRESS, STATE_READY, STATE_MEMBER)
MAX_PERSONNEL = 100_000
EARLIEST = datetime.date(1990, 1, 1)  # MKRP and CEOMEC postdate this; older dates are typos
COMMENT_MAX = 1000
ORI_PATTERN = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")
DOCUMENT = "document"  # the policy attestation's evidence key for its attached file (never typed by anyone)
DOCUMENTS_DIR = "elsx/agency-documents"


# --- agencies and learners ----------------------------------------------------

def _clean_kind(kind):
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidInput(_("Choose an agency type: {choices}.").format(
            choices=", ".join(str(v) for v in KINDS.values())), field="kind")
    return kind


def find_or_create(name, kind, state=""):
    """The agency whose normalized name and state match, created if new. Safe under concurrent calls."""
    name = clean_text(name, "agency", _("Agency"), 2, 200)
    state = clean_text(state, "state", _("State"), 2, 64, required=False)
    kind = _clean_kind(kind)
    normalized = names.normalize(name)
    if not normalized:
        raise InvalidInput(_("Agency must name the agency."), field="agency")
    agency = Agency.objects.filter(normalized_name=normalized, state=state).first()
    if agency is None:
        try:
            with transaction.atomic():
                agency = Agency.objects.create(name=name, normalized_name=normalized, kind=kind, state=state)
        except IntegrityError:  # another request created it first
            agency = Agency.objects.get(normalized_name=normalized, state=state)
    return _current(agency)


def _current(agency):
    """Follow merges to the agency that absorbed this one."""
    seen = set()
    while agency.merged_into_id and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.merged_into
    return agency


def suggest(name, state="", limit=5):
    """Existing agencies whose names are close to name: what to offer before creating a new one."""
    normalized = names.normalize(name if isinstance(name, str) else "")
    pool = dict(Agency.objects.filter(merged_into__isnull=True, state=state or "")
                .values_list("normalized_name", "pk"))
    close = names.suggestions(normalized, list(pool), limit=limit)
    by_pk = Agency.objects.in_bulk([pool[n] for n in close])
    return [by_pk[pool[n]] for n in close]


def clean_ori(value):
    """An FBI Originating Agency Identifier: two letters (the state) and seven letters or digits; "" if none."""
    text = clean_text(value, "ori", _("ORI"), 0, 9, required=False).upper()
    if text and not ORI_PATTERN.fullmatch(text):
        raise InvalidInput(_("ORI: two letters and seven letters or digits, such as CA0190000."), field="ori")
    return text


def link_learner(course_key, learner_id, agency_name, kind, state="", is_executive=False, ori=""):
    """Record which agency a learner leads or works for; the latest claim wins. Only the agency's
    executive sets its ORI."""
    ori = clean_ori(ori)
    agency = find_or_create(agency_name, kind, state)
    course_key, learner_id = str(course_key), str(learner_id)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)  # one executive per agency, even under races
        taken = bool(is_executive) and AgencyLearner.objects.filter(agency=agency, is_executive=True).exclude(
            course_key=course_key, learner_id=learner_id).exists()
        executive = bool(is_executive) and not taken
        AgencyLearner.objects.update_or_create(
            course_key=course_key, learner_id=learner_id, defaults={"agency": agency, "is_executive": executive})
        if executive and ori and locked.ori != ori:
            locked.ori = agency.ori = ori
            locked.save(update_fields=["ori"])
    return agency


def is_executive(course_key, learner_id):
    return AgencyLearner.objects.filter(course_key=str(course_key), learner_id=str(learner_id),
                                        is_executive=True).exists()


def executive_certificate(agency):
    """The agency executive's valid ELS certificate, or None: context beside the executive criterion,
    never a substitute for it (NCMEC's criterion names the CEO seminar or the MKRP online course)."""
    from elsx.models import Certificate  # the certificates' table, not their API: nothing is issued here
    link = AgencyLearner.objects.filter(agency=agency, is_executive=True).first()
    if link is None:
        return None
    return (Certificate.objects.filter(course_key=link.course_key, learner_id=link.learner_id,
                                       status=Certificate.STATUS_VALID).order_by("-generation").first())


def agency_of(course_key, learner_id):
    link = AgencyLearner.objects.select_related("agency").filter(
        course_key=str(course_key), learner_id=str(learner_id)).first()
    return _current(link.agency) if link else None


def merge(keep_id, drop_id, staff_id):
    """Fold agency drop into keep: learners and attestations move, nothing is deleted.

    Where both hold an attestation for one criterion, keep's stays and drop's stays on the
    merged record, where it can still be read.
    """
    if keep_id == drop_id:
        raise InvalidInput(_("Choose two different agencies to merge."))
    with transaction.atomic():
        pair = {a.pk: a for a in Agency.objects.select_for_update().filter(pk__in=[keep_id, drop_id])}
        if len(pair) != 2:
            raise NotFound(_("No such agency."))
        keep, drop = pair[keep_id], pair[drop_id]
        if drop.merged_into_id == keep.pk:
            return keep  # done before
        if drop.merged_into_id or keep.merged_into_id:
            raise Conflict(_("That agency was already merged into another one."))
        AgencyLearner.objects.filter(agency=drop).update(agency=keep)
        held = set(Attestation.objects.filter(agency=keep).values_list("criterion", flat=True))
        Attestation.objects.filter(agency=drop).exclude(criterion__in=held).update(agency=keep)
        if keep.member_since is None and drop.member_since:
            keep.member_since = drop.member_since
            keep.save(update_fields=["member_since"])
        drop.merged_into = keep
        drop.save(update_fields=["merged_into"])
        _log(keep, "", "merged", staff_id)
    return keep


# --- attestations ----------------------------------------------------------------

def _date(value, field_name, label, today):
    if not isinstance(value, str):
        raise InvalidInput(_("{label}: give a date as YYYY-MM-DD.").format(label=label), field=field_name)
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("{label}: give a date as YYYY-MM-DD.").format(label=label), field=field_name) from None
    if day < EARLIEST or day > today:
        raise InvalidInput(_("{label} must be between {start} and today.").format(
            label=label, start=EARLIEST.isoformat()), field=field_name)
    return day.isoformat()


def _count(value, field_name, label):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PERSONNEL:
        raise InvalidInput(_("{label} must be a whole number from 0 to {max}.").format(
            label=label, max=MAX_PERSONNEL), field=field_name)
    return value


def clean_evidence(kind, criterion, evidence, today=None):
    """The evidence for one criterion, validated; InvalidInput names the first bad field."""
    today = today or timezone.localdate()
    if not isinstance(evidence, dict):
        raise InvalidInput(_("The evidence must be a JSON object."))
    allowed = {
        criteria.EXECUTIVE: {"training", "completed_on"},
        criteria.POLICY: {"policy_name", "adopted_on", "quality_assurance", "responders_trained"},
        criteria.PERSONNEL: {"personnel", "completed"},
    }.get(criterion)
    if allowed is None:
        raise InvalidInput(_("Unknown criterion."), field="criterion")
    unknown = sorted(set(evidence) - allowed)
    if unknown:
        raise InvalidInput(_("Unknown field(s): {names}.").format(names=", ".join(unknown)))
    if criterion == criteria.EXECUTIVE:
        trainings = criteria.EXECUTIVE_TRAININGS[kind]
        training = evidence.get("training")
        if not isinstance(training, str) or training not in trainings:
            raise InvalidInput(_("Choose the training: {choices}.").format(
                choices=", ".join(str(v) for v in trainings.values())), field="training")
        return {"training": training,
                "completed_on": _date(evidence.get("completed_on"), "completed_on", _("Completed on"), today)}
    if criterion == criteria.POLICY:
        if not isinstance(evidence.get("responders_trained", False), bool):
            raise InvalidInput(_("Say whether first responders were trained on the policy."),
                               field="responders_trained")
        return {
            "policy_name": clean_text(evidence.get("policy_name"), "policy_name", _("Policy name"), 3, 200),
            "adopted_on": _date(evidence.get("adopted_on"), "adopted_on", _("Adopted on"), today),
            "quality_assurance": clean_text(evidence.get("quality_assurance"), "quality_assurance",
                                            _("Quality-assurance review"), 10, 2000, multiline=True),
            "responders_trained": evidence.get("responders_trained", False),
        }
    personnel = _count(evidence.get("personnel"), "personnel", _("Personnel"))
    completed = _count(evidence.get("completed"), "completed", _("Completed"))
    if completed > personnel:
        raise InvalidInput(_("Completed can't be more than the personnel count."), field="completed")
    return {"personnel": personnel, "completed": completed}


def _executive_agency(course_key, learner_id):
    link = AgencyLearner.objects.select_related("agency").filter(
        course_key=str(course_key), learner_id=str(learner_id)).first()
    if link is None or not link.is_executive:
        raise NotAllowed(_("Only the agency's executive can enter its readiness."))
    return _current(link.agency)


def attest(course_key, learner_id, criterion, evidence, now=None):
    """The agency executive records one criterion's evidence. Same evidence again: no change."""
    now = now or timezone.now()
    agency = _executive_agency(course_key, learner_id)
    cleaned = clean_evidence(agency.kind, criterion, evidence, timezone.localdate(now))
    with transaction.atomic():
        Agency.objects.select_for_update().get(pk=agency.pk)  # serialises writers of this agency
        current = Attestation.objects.filter(agency=agency, criterion=criterion).first()
        if current is not None and current.evidence.get(DOCUMENT):  # the attached document stays
            cleaned[DOCUMENT] = current.evidence[DOCUMENT]
        if current is not None and current.evidence == cleaned and current.status != Attestation.STATUS_RETURNED:
            return current
        if current is None:
            current = Attestation.objects.create(agency=agency, criterion=criterion, evidence=cleaned,
                                                 entered_by=str(learner_id), entered_at=now)
        else:
            current.evidence, current.entered_by, current.entered_at = cleaned, str(learner_id), now
            current.status, current.version = Attestation.STATUS_SUBMITTED, current.version + 1
            current.save()
        _log(agency, criterion, "attested", learner_id, now)
    return current


def attach_policy_document(course_key, learner_id, data, filename, now=None):
    """The executive attaches the policy document to the policy attestation, replacing any earlier one.

    data is the file's bytes (at most documents.max_bytes()); its type is judged from them. The
    same bytes again change nothing. A new document goes back to staff for review, like new
    evidence; the replaced file is deleted once the change is committed.
    """
    now = now or timezone.now()
    agency = _executive_agency(course_key, learner_id)
    kind = documents.sniff(data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        Agency.objects.select_for_update().get(pk=agency.pk)  # serialises writers of this agency
        current = Attestation.objects.filter(agency=agency, criterion=criteria.POLICY).first()
        if current is None:
            raise Conflict(_("Save the policy's name, adoption date and quality-assurance review first, "
                             "then attach the document."), field="document")
        old = current.evidence.get(DOCUMENT) or {}
        if old.get("sha256") == digest and current.status != Attestation.STATUS_RETURNED:
            return current
        meta = dict(old) if old.get("sha256") == digest else {
            "file": _store_document(data, kind), "kind": kind, "size": len(data), "sha256": digest,
            "filename": documents.clean_filename(filename, kind)}
        meta.update(uploaded_by=str(learner_id), uploaded_at=now.isoformat())
        try:
            current.evidence = dict(current.evidence, **{DOCUMENT: meta})
            current.entered_by, current.entered_at = str(learner_id), now
            current.status, current.version = Attestation.STATUS_SUBMITTED, current.version + 1
            current.save()
            _log(agency, criteria.POLICY, "document", learner_id, now)
        except BaseException:
            if meta["file"] != old.get("file"):
                _discard_document(meta["file"])
            raise
    if old.get("file") and old["file"] != meta["file"]:
        transaction.on_commit(lambda name=old["file"]: _discard_document(name))
    return current


def _store_document(data, kind):
    try:
        return storage.save(DOCUMENTS_DIR, "." + kind, ContentFile(data))
    except (OSError, ValueError) as exc:
        log.error("elsx: storing a policy document failed: %s", type(exc).__name__)
        raise Unavailable(_("The document could not be stored; nothing was saved. Please try again.")) from exc


def _discard_document(name):
    try:
        storage.delete(name)
    except OSError:
        log.warning("elsx: could not delete a replaced policy document")


def policy_document(agency_id):
    """(metadata, open file) of the agency's own policy document; NotFound if there is none."""
    current = Attestation.objects.filter(agency_id=agency_id, criterion=criteria.POLICY).first()
    meta = (current.evidence.get(DOCUMENT) if current else None) or {}
    if not meta.get("file") or not storage.exists(meta["file"]):
        raise NotFound(_("No policy document is attached."))
    return meta, storage.open_file(meta["file"])


def sees_agency(course_key, learner_id, agency):
    """Whether this learner may see the agency's readiness: they are linked to it (staff see every agency)."""
    mine = agency_of(course_key, learner_id)
    return mine is not None and mine.pk == agency.pk


def review(agency_id, criterion, version, accept, comment, staff_id, now=None):
    """Staff accept or return one attestation, naming the version they read."""
    now = now or timezone.now()
    if not isinstance(criterion, str) or criterion not in criteria.ORDER:
        raise InvalidInput(_("Unknown criterion."), field="criterion")
    comment = clean_text(comment, "comment", _("Comment"), 0, COMMENT_MAX, multiline=True, required=not accept)
    with transaction.atomic():
        try:
            current = Attestation.objects.select_for_update().get(agency_id=agency_id, criterion=criterion)
        except Attestation.DoesNotExist:
            raise NotFound(_("No such attestation.")) from None
        if current.version != version:
            raise Conflict(_("The executive changed this attestation after you opened it; review it again."))
        status = Attestation.STATUS_ACCEPTED if accept else Attestation.STATUS_RETURNED
        if current.status == status and current.review_comment == comment:
            return current
        current.status, current.review_comment = status, comment
        current.reviewed_by, current.reviewed_at = str(staff_id), now
        current.save()
        _log(current.agency, criterion, status, staff_id, now)
    return current


def record_membership(agency_id, member_since, staff_id):
    """Staff record NCMEC's recognition date; renewal falls due five years on."""
    day = _date(member_since, "member_since", _("Member since"), timezone.localdate())
    with transaction.atomic():
        agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
        if agency is None:
            raise NotFound(_("No such agency."))
        if agency.member_since and agency.member_since.isoformat() == day:
            return agency
        agency.member_since = datetime.date.fromisoformat(day)
        agency.save(update_fields=["member_since"])
        _log(agency, "", "member", staff_id)
    return agency


def _log(agency, criterion, action, actor, now=None):
    AttestationLog.objects.create(agency=agency, criterion=criterion, action=action, actor=str(actor),
                                  at=now or timezone.now())
    log.info("elsx: agency %s %s %s", agency.pk, criterion or "-", action)


# --- readiness -----------------------------------------------------------------------

@dataclass(frozen=True)
class CriterionState:
    key: str
    label: str
    attestation: object  # Attestation or None
    met: bool


@dataclass(frozen=True)
class Readiness:
    agency: Agency
    state: str
    criteria: tuple
    renewal_due: object = None
    computed_completions: object = None  # from elsx's own tables, where module courses are configured
    extra: dict = field(default_factory=dict)


def renewal_due(member_since):
    if member_since is None:
        return None
    try:
        return member_since.replace(year=member_since.year + criteria.RENEWAL_YEARS)
    except ValueError:  # 29 February
        return member_since.replace(year=member_since.year + criteria.RENEWAL_YEARS, day=28)


def _light_met(criterion, status, evidence):
    """_met on plain values: what the dashboard's counts need, without building models."""
    if status != Attestation.STATUS_ACCEPTED:
        return False
    if criterion == criteria.POLICY:
        return bool(evidence.get("responders_trained"))
    if criterion == criteria.PERSONNEL:
        return evidence.get("personnel", 0) > 0 and evidence.get("completed") == evidence.get("personnel")
    return True


def _met(attestation):
    return attestation is not None and _light_met(attestation.criterion, attestation.status, attestation.evidence)


def readiness_of(agency, attestations, computed=None):
    by_criterion = {a.criterion: a for a in attestations}
    labels = criteria.LABELS[agency.kind]
    states = tuple(CriterionState(key, labels[key], by_criterion.get(key), _met(by_criterion.get(key)))
                   for key in criteria.ORDER)
    if agency.member_since:
        state = STATE_MEMBER
    elif all(c.met for c in states):
        state = STATE_READY
    elif by_criterion:
        state = STATE_IN_PROGRESS
    else:
        state = STATE_NOT_STARTED
    return Readiness(agency, state, states, renewal_due(agency.member_since), computed)


def readiness(agency_id):
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("No such agency."))
    agency = _current(agency)
    return readiness_of(agency, list(agency.attestations.all()), computed_completions([agency.pk]).get(agency.pk))


def computed_completions(agency_ids):
    """Completions of the MKRP module courses by agency, from elsx's own tables (one query)."""
    courses = list(conf.get("MKRP_MODULE_COURSES"))
    if not courses or not agency_ids:
        return {}
    from django.db.models import Count
    from elsx.models import LearnerProfile
    completed = LearnerProfile.objects.filter(course_key__in=courses, completed_at__isnull=False).values(
        "course_key", "learner_id")
    rows = (AgencyLearner.objects.filter(agency_id__in=agency_ids, course_key__in=courses)
            .filter(learner_id__in=completed.values("learner_id"))
            .values("agency_id").annotate(n=Count("learner_id", distinct=True)))
    return {row["agency_id"]: row["n"] for row in rows}


def _matching(state="", kind="", readiness_state=""):
    """Current agencies matching the filters, in display order (the filters checked first)."""
    if readiness_state and readiness_state not in STATES:
        raise InvalidInput(_("Unknown readiness state."), field="readiness")
    agencies = Agency.objects.filter(merged_into__isnull=True).order_by("state", "name", "pk")
    if state:
        agencies = agencies.filter(state=state)
    if kind:
        agencies = agencies.filter(kind=_clean_kind(kind))
    return agencies


def _states(agencies):
    """[(agency pk, readiness state)] for every agency in the queryset, in its order, from plain rows
    (two queries)."""
    members = list(agencies.values_list("pk", "member_since"))
    attested, met = set(), {}
    rows = Attestation.objects.filter(agency__in=agencies.values("pk")).values_list(
        "agency_id", "criterion", "status", "evidence")
    for agency_id, criterion, status, evidence in rows:
        attested.add(agency_id)
        if _light_met(criterion, status, evidence or {}):
            met[agency_id] = met.get(agency_id, 0) + 1
    states = []
    for pk, member_since in members:
        if member_since:
            states.append((pk, STATE_MEMBER))
        elif met.get(pk, 0) == len(criteria.ORDER):
            states.append((pk, STATE_READY))
        else:
            states.append((pk, STATE_IN_PROGRESS if pk in attested else STATE_NOT_STARTED))
    return states


def _rows(agency_ids):
    """Full readiness rows for these agencies, in the order given (two queries, three with module courses)."""
    by_pk = Agency.objects.in_bulk(agency_ids)
    by_agency = {}
    for attestation in Attestation.objects.filter(agency_id__in=agency_ids) if agency_ids else ():
        by_agency.setdefault(attestation.agency_id, []).append(attestation)
    computed = computed_completions(agency_ids)
    return [readiness_of(by_pk[pk], by_agency.get(pk, ()), computed.get(pk)) for pk in agency_ids if pk in by_pk]


@dataclass
class DashboardPage(Page):
    """One page of Readiness rows; total counts the agencies matching the filters, on every page."""
    ready_count: int = 0  # of those, ready to apply


def dashboard_page(state="", kind="", readiness_state="", page=1, page_size=None):
    """One page of the staff view, with counts over every page: four queries whatever the count.

    The readiness of every matching agency comes from plain rows (ids, dates, statuses,
    evidence), so the counts and the readiness filter see all of them; models are built
    for the page's agencies only. A page past the last shows the last.
    """
    page_size = page_size or conf.get("AGENCY_PAGE_SIZE")
    states = _states(_matching(state, kind, readiness_state))
    order = [(pk, found) for pk, found in states if not readiness_state or found == readiness_state]
    number = min(max(1, page), max(1, -(-len(order) // page_size)))
    chosen = [pk for pk, _found in order[(number - 1) * page_size: number * page_size]]
    ready = sum(1 for _pk, found in order if found == STATE_READY)
    return DashboardPage(_rows(chosen), number, page_size, len(order), ready)


def dashboard(state="", kind="", readiness_state="", today=None):
    """Every matching agency with its readiness (the CSV export): a fixed number of queries whatever the count."""
    agencies = list(_matching(state, kind, readiness_state))
    by_agency = {}
    for attestation in Attestation.objects.filter(agency__in=_matching(state, kind).values("pk")):
        by_agency.setdefault(attestation.agency_id, []).append(attestation)
    computed = computed_completions([a.pk for a in agencies])
    rows = [readiness_of(a, by_agency.get(a.pk, ()), computed.get(a.pk)) for a in agencies]
    if readiness_state:
        rows = [r for r in rows if r.state == readiness_state]
    return rows


def renewals_due(within_days=90, today=None):
    """Member agencies whose renewal falls within the next within_days days (or is overdue)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    due = []
    for agency in Agency.objects.filter(merged_into__isnull=True, member_since__isnull=False):
        when = renewal_due(agency.member_since)
        if when <= horizon:
            due.append((agency, when))
    return sorted(due, key=lambda pair: pair[1])


def retire_learner(learner_id):
    """Scrub a retired learner from attestations and links; the agency records stay."""
    learner_id = str(learner_id)
    with transaction.atomic():
        scrubbed = Attestation.objects.filter(entered_by=learner_id).update(entered_by="")
        scrubbed += Attestation.objects.filter(reviewed_by=learner_id).update(reviewed_by="")
        scrubbed += AttestationLog.objects.filter(actor=learner_id).update(actor="")
        scrubbed += _forget_uploader(learner_id)
        links = AgencyLearner.objects.filter(learner_id=learner_id).delete()[0]
    return scrubbed + links


def _forget_uploader(learner_id):
    """The agency keeps its policy document; who uploaded it, and the name their computer gave it, go."""
    count = 0
    for attestation in Attestation.objects.select_for_update().filter(
            criterion=criteria.POLICY, **{f"evidence__{DOCUMENT}__uploaded_by": learner_id}):
        meta = attestation.evidence[DOCUMENT]
        meta.update(uploaded_by="", filename=f"{documents.FALLBACK_STEM}.{meta.get('kind', 'pdf')}")
        attestation.save(update_fields=["evidence"])
        count += 1
    return count
