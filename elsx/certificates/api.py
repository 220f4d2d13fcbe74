"""Claiming, issuing, revoking, reissuing and verifying certificates.

Issuance runs in a fixed order so that a failure anywhere leaves nothing
half-done: render the PDF, store it once through elsx.storage (private, random names), then insert
the row. The unique constraint on (course_key, learner_id, generation) decides
races: the loser deletes its file and returns the winner's certificate. If
rendering or storage fails, no row exists and a retry simply starts again.

Issued rows are never rewritten: only status, revocation and superseded_by
change after insert, so a template change can't alter an issued certificate.
"""
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elsx import compat, conf, eligibility, events, storage
from elsx.certificates import numbers, openbadges
from elsx.curriculum import get_curriculum
from elsx.errors import Conflict, InvalidInput, NotAllowed, NotFound, Unavailable
from elsx.models import ROLE_CHOICES, Certificate, LearnerProfile
from elsx.progress import ensure_profile
from elsx.validation import clean_text

log = logging.getLogger(__name__)

STORAGE_DIR = storage.CERTIFICATES
ROLES = dict(ROLE_CHOICES)
CLAIM_FIELDS = ("legal_name", "agency", "role", "state_training_id", "state")
NAME_MAX = 200
AGENCY_MAX = 200
STATE_ID_MAX = 64
STATE_MAX = 64
REASON_MIN, REASON_MAX = 3, 500


# --- claim details ---------------------------------------------------------

def clean_claim(legal_name, agency, role, state_training_id="", state=""):
    """The claim fields validated and stripped, or InvalidInput naming the first bad field."""
    cleaned = {
        "legal_name": clean_text(legal_name, "legal_name", _("Legal name"), 1, NAME_MAX),
        "agency": clean_text(agency, "agency", _("Agency"), 2, AGENCY_MAX),
    }
    if not isinstance(role, str) or role not in ROLES:  # a list or object in the JSON is not a role
        raise InvalidInput(_("Choose a role: {choices}.").format(choices=", ".join(str(v) for v in ROLES.values())),
                           field="role")
    cleaned["role"] = role
    cleaned["state_training_id"] = clean_text(state_training_id, "state_training_id", _("State training ID"),
                                              1, STATE_ID_MAX, required=False)
    cleaned["state"] = clean_text(state, "state", _("State"), 2, STATE_MAX, required=False)
    if cleaned["state_training_id"] and not cleaned["state"]:
        raise InvalidInput(_("Say which state issued your training ID."), field="state")
    return cleaned


def claim(course_key, learner, legal_name, agency, role, state_training_id="", state=""):
    """Confirm the learner's details and issue their certificate (idempotent).

    Returns the learner's certificate; a second claim returns the first one
    unchanged (corrections after issue are a staff reissue).
    """
    if learner is None or learner.is_anonymous:
        raise NotAllowed(_("Sign in to claim your certificate."))
    cleaned = clean_claim(legal_name, agency, role, state_training_id, state)
    existing = current_certificate(course_key, learner.id)
    if existing is not None:
        return existing
    status = eligibility.check(course_key, learner.id)
    if not status.eligible:
        raise NotAllowed(status.explain(), missing=[req.key for req in status.missing])
    profile = ensure_profile(course_key, learner)
    if profile.retired_at is not None:
        raise NotAllowed(_("This account has been retired."))
    LearnerProfile.objects.filter(pk=profile.pk).update(claimed_at=timezone.now(), **cleaned)
    return issue(course_key, learner.id, status=status)


# --- issuing ---------------------------------------------------------------

def current_certificate(course_key, learner_id):
    """The learner's latest certificate (valid, revoked or superseded), or None."""
    if not learner_id:
        return None
    return (Certificate.objects.filter(course_key=course_key, learner_id=learner_id)
            .order_by("-generation").first())


def public_base_url():
    """Where verification pages are served from: ELSX VERIFY_BASE_URL, else the LMS root."""
    return (conf.get("VERIFY_BASE_URL") or compat.lms_root_url()).rstrip("/")


def verification_url(number):
    return public_base_url() + reverse("elsx:verify", kwargs={"number": numbers.display(number)})


def issuer_id():
    return public_base_url() or "urn:elsx:provider"


def course_title(curriculum=None):
    return conf.get("COURSE_TITLE") or (curriculum or get_curriculum()).title


def _dates(progress):
    """(started_on, completed_on) from the learner's topic states."""
    started = [state.first_viewed_at for _w, items in progress.weeks for _t, state in items if state.first_viewed_at]
    completed = [state.completed_at for _w, items in progress.weeks for _t, state in items if state.completed_at]
    first = min(started) if started else None
    last = max(completed) if completed else timezone.now()
    return (timezone.localdate(first) if first else None), timezone.localdate(last)


def _new_snapshot(course_key, profile, status, generation=1):
    """An unsaved Certificate holding everything printed on it."""
    curriculum = get_curriculum()
    started_on, completed_on = _dates(status.progress)
    return Certificate(
        number=numbers.generate(),
        course_key=course_key,
        learner_id=profile.learner_id,
        generation=generation,
        status=Certificate.STATUS_VALID,
        legal_name=profile.legal_name,
        agency=profile.agency,
        role=profile.role,
        state_training_id=profile.state_training_id,
        state=profile.state,
        course_title=course_title(curriculum),
        course_number=conf.get("COURSE_NUMBER"),
        course_version=curriculum.version or "",
        provider_name=conf.get("PROVIDER_NAME"),
        credit_hours=Decimal(status.hours).quantize(Decimal("0.01")),
        credit_type=conf.get("CREDIT_TYPE"),
        delivery_method=conf.get("DELIVERY_METHOD"),
        started_on=started_on,
        completed_on=completed_on,
        issued_at=timezone.now(),
        signatory_name=conf.get("SIGNATORY_NAME"),
        signatory_title=conf.get("SIGNATORY_TITLE"),
        engaged_seconds=status.progress.engaged_seconds,  # the record, not the public page
    )


@dataclass(frozen=True)
class PreparedDocument:
    """What the PDF renderer needs; plain data, so it can go to a worker process."""
    html: str
    credential_json: bytes
    cjk: bool


def prepare_document(cert):
    """Template HTML and the Open Badges JSON for an (unsaved) certificate."""
    from elsx.certificates import render
    url = verification_url(cert.number)
    context = {
        "cert": cert,
        "number": numbers.display(cert.number),
        "verification_url": url,
        "qr_svg": qr_svg(url),
        "role_label": str(ROLES[cert.role]) if cert.role in ROLES else "",  # labels are gettext_lazy
        "name_size": render.name_size(cert.legal_name),
        "agency_size": render.name_size(cert.agency),
        "lang": translation.get_language() or "en",
    }
    html = render.certificate_html(context)
    credential = openbadges.credential_json(cert, url, issuer_id(), include_private=True)
    return PreparedDocument(html=html, credential_json=credential,
                            cjk=render.needs_cjk(cert.legal_name, cert.agency, cert.state_training_id, cert.state))


def qr_svg(url):
    import segno
    # Medium error correction survives a crease or a poor scan; no personal data in the URL.
    return segno.make(url, error="m").svg_inline(scale=1, border=0, omitsize=True, dark="#1d2433")


def render_pdf(prepared):
    from elsx.certificates import render
    return render.certificate_pdf(prepared.html, prepared.credential_json, prepared.cjk)


def _store(cert, pdf_bytes):
    """Write the PDF once; returns the storage name. Raises Unavailable on storage failure."""
    try:
        # A random name, not the number: a number is public on the verification page.
        name = storage.save(STORAGE_DIR, ".pdf", ContentFile(pdf_bytes))
    except (OSError, ValueError) as exc:
        log.error("elsx: storing certificate %s failed: %s", cert.number, type(exc).__name__)
        raise Unavailable(_("The certificate could not be stored; nothing was issued. Please try again.")) from exc
    cert.pdf_path = name
    cert.pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    return name


def _discard(name):
    try:
        storage.delete(name)
    except OSError:
        log.warning("elsx: could not delete an orphaned certificate file")


def _record(cert, pdf_bytes):
    """Store the PDF and insert the row; on a lost race, return the winner instead."""
    name = _store(cert, pdf_bytes)
    try:
        with transaction.atomic():
            cert.save(force_insert=True)
    except IntegrityError:
        _discard(name)
        winner = Certificate.objects.filter(course_key=cert.course_key, learner_id=cert.learner_id,
                                            generation=cert.generation).first()
        if winner is None:  # a number collision (95 bits: practically never); let the caller retry
            raise Unavailable(_("Please try again.")) from None
        return winner, False
    except DatabaseError:
        _discard(name)
        raise
    log.info("elsx: issued certificate %s (course %s, learner %s, generation %s)",
             cert.number, cert.course_key, cert.learner_id, cert.generation)
    events.emit(events.CERTIFICATE_ISSUED, certificate_number=cert.number, learner_id=cert.learner_id,
                course_key=cert.course_key, generation=cert.generation, credit_hours=cert.credit_hours)
    return cert, True


def _issuable(course_key, learner_id, status=None):
    """(existing certificate, None) or (None, unsaved snapshot), or NotAllowed."""
    existing = current_certificate(course_key, learner_id)
    if existing is not None:
        return existing, None
    profile = LearnerProfile.objects.filter(course_key=course_key, learner_id=learner_id).first()
    if profile is None or profile.retired_at is not None:
        raise NotAllowed(_("No learner record for this course."))
    status = status or eligibility.check(course_key, learner_id)
    if not status.eligible:
        raise NotAllowed(status.explain(), missing=[req.key for req in status.missing])
    if not profile.legal_name or not profile.claimed_at:
        raise NotAllowed(_("Confirm the name and agency to print before the certificate is issued."),
                         missing=["claim"])
    return None, _new_snapshot(course_key, profile, status)


def issue(course_key, learner_id, status=None):
    """The learner's certificate, issuing it if they are eligible and have claimed."""
    existing, snapshot = _issuable(course_key, learner_id, status)
    if existing is not None:
        return existing
    try:
        pdf_bytes = render_pdf(prepare_document(snapshot))
    except Exception as exc:  # WeasyPrint raises many kinds; none may leave a row behind
        log.exception("elsx: rendering certificate for learner %s failed", learner_id)
        raise Unavailable(_("The certificate could not be created; nothing was issued. Please try again.")) from exc
    return _record(snapshot, pdf_bytes)[0]


def issue_for_course(course_key, workers=1):
    """Issue for every eligible learner who has claimed; returns counts by outcome.

    With workers > 1, PDFs render in that many processes while this process
    prepares the next documents and stores finished ones, so the database
    sees one writer and the workers never wait for the whole list.
    """
    counts = {"issued": 0, "already_issued": 0, "not_eligible": 0, "not_claimed": 0, "failed": 0}
    total_topics = len(get_curriculum().topics)
    claimed = (LearnerProfile.objects.filter(course_key=course_key, retired_at__isnull=True)
               .exclude(claimed_at__isnull=True).exclude(legal_name=""))
    counts["not_claimed"] = LearnerProfile.objects.filter(
        course_key=course_key, retired_at__isnull=True, topics_completed__gte=total_topics,
    ).exclude(pk__in=claimed.values("pk")).count()
    have = set(Certificate.objects.filter(course_key=course_key).values_list("learner_id", flat=True))

    def pending():
        for learner_id in list(claimed.values_list("learner_id", flat=True).order_by("pk")):
            if learner_id in have:
                counts["already_issued"] += 1
                continue
            try:
                existing, snapshot = _issuable(course_key, learner_id)
            except NotAllowed:
                counts["not_eligible"] += 1
                continue
            if existing is not None:
                counts["already_issued"] += 1
            else:
                yield snapshot, prepare_document(snapshot)

    for snapshot, pdf_bytes in _render_all(pending(), workers):
        if pdf_bytes is None:
            counts["failed"] += 1
            continue
        try:
            created = _record(snapshot, pdf_bytes)[1]
        except (Unavailable, DatabaseError):
            counts["failed"] += 1
            continue
        counts["issued" if created else "already_issued"] += 1
    log.info("elsx: bulk issuance for %s: %s", course_key, counts)
    return counts


def _render_all(pending, workers):
    """Yield (snapshot, pdf bytes or None) for each (snapshot, prepared document) in pending."""
    if workers <= 1:
        for snapshot, prepared in pending:
            try:
                yield snapshot, render_pdf(prepared)
            except Exception:  # pylint: disable=broad-except
                log.exception("elsx: rendering certificate for learner %s failed", snapshot.learner_id)
                yield snapshot, None
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from elsx.certificates import render

    def result(snapshot, future):
        try:
            return snapshot, future.result()
        except Exception:  # pylint: disable=broad-except
            log.exception("elsx: rendering certificate for learner %s failed", snapshot.learner_id)
            return snapshot, None

    # spawn, not fork: WeasyPrint's C libraries don't survive a fork with their state.
    # Workers get plain HTML and JSON and need no Django.
    in_flight = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for snapshot, prepared in pending:
            in_flight.append((snapshot, pool.submit(render.certificate_pdf, prepared.html,
                                                    prepared.credential_json, prepared.cjk)))
            # A few documents queued per worker keeps them busy without holding every PDF in memory.
            while len(in_flight) > workers * 4 or (in_flight and in_flight[0][1].done()):
                yield result(*in_flight.popleft())
        while in_flight:
            yield result(*in_flight.popleft())


# --- staff actions ---------------------------------------------------------

def get_by_number(number):
    try:
        canonical = numbers.normalize(number)
    except numbers.InvalidNumber:
        raise NotFound(_("No certificate has that number. Check it and try again.")) from None
    cert = Certificate.objects.filter(number=canonical).first()
    if cert is None:
        raise NotFound(_("No certificate has that number. Check it and try again."))
    return cert


def revoke(number, reason, by):
    """Revoke a valid certificate, keeping the reason and date."""
    reason = clean_text(reason, "reason", _("Reason"), REASON_MIN, REASON_MAX)
    cert = get_by_number(number)
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=cert.pk)
        if cert.status != Certificate.STATUS_VALID:
            raise Conflict(_("Only a valid certificate can be revoked; this one is {status}.").format(
                status=cert.get_status_display().lower()), status=cert.status)
        cert.status = Certificate.STATUS_REVOKED
        cert.revoked_at = timezone.now()
        cert.revoke_reason = reason
        cert.revoked_by = str(getattr(by, "id", by) or "")[:255]
        cert.save(update_fields=["status", "revoked_at", "revoke_reason", "revoked_by"])
    log.info("elsx: certificate %s revoked by %s", cert.number, getattr(by, "id", by))
    events.emit(events.CERTIFICATE_REVOKED, certificate_number=cert.number, learner_id=cert.learner_id,
                course_key=cert.course_key, by_retirement=False)
    return cert


def reissue(number, by, **corrections):
    """A new certificate superseding number, with corrected claim fields.

    The course facts (hours, dates) carry over: a reissue corrects the
    record, it doesn't re-grade the learner. The old row stays and points to
    its successor; a revoked one keeps its revocation.
    """
    unknown = sorted(set(corrections) - set(CLAIM_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field(s): {names}.").format(names=", ".join(unknown)))
    old = get_by_number(number)
    if old.superseded_by_id is not None:
        raise Conflict(_("This certificate was already reissued as {number}.").format(
            number=numbers.display(old.superseded_by.number)))
    merged = {field: corrections.get(field, getattr(old, field)) for field in CLAIM_FIELDS}
    cleaned = clean_claim(**merged)
    new = Certificate(**{field.name: getattr(old, field.name) for field in Certificate._meta.concrete_fields
                         if field.name not in ("id", "superseded_by")})
    for field, value in cleaned.items():
        setattr(new, field, value)
    new.number = numbers.generate()
    new.generation = old.generation + 1
    new.status = Certificate.STATUS_VALID
    new.issued_at = timezone.now()
    new.revoked_at, new.revoke_reason = None, ""
    try:
        pdf_bytes = render_pdf(prepare_document(new))
    except Exception as exc:
        log.exception("elsx: rendering reissue of %s failed", old.number)
        raise Unavailable(_("The certificate could not be created; nothing changed. Please try again.")) from exc
    name = _store(new, pdf_bytes)
    try:
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().get(pk=old.pk)
            if locked.superseded_by_id is not None:
                raise Conflict(_("This certificate was reissued by someone else a moment ago."))
            new.save(force_insert=True)
            locked.superseded_by = new
            if locked.status == Certificate.STATUS_VALID:
                locked.status = Certificate.STATUS_SUPERSEDED
            locked.save(update_fields=["superseded_by", "status"])
            LearnerProfile.objects.filter(course_key=old.course_key, learner_id=old.learner_id).update(**cleaned)
    except IntegrityError:
        _discard(name)
        raise Conflict(_("This certificate was reissued by someone else a moment ago.")) from None
    except (Conflict, DatabaseError):
        _discard(name)
        raise
    log.info("elsx: certificate %s reissued as %s by %s", old.number, new.number, getattr(by, "id", by))
    events.emit(events.CERTIFICATE_REISSUED, certificate_number=new.number, replaces=old.number,
                learner_id=new.learner_id, course_key=new.course_key, generation=new.generation)
    return new


# --- reading and verifying -------------------------------------------------

def read_pdf(cert):
    """The stored PDF bytes, checked against the SHA-256 recorded at issue."""
    try:
        with storage.open_file(cert.pdf_path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        log.error("elsx: certificate file for %s is unreadable: %s", cert.number, type(exc).__name__)
        raise Unavailable(_("The certificate file is unavailable right now.")) from exc
    if hashlib.sha256(data).hexdigest() != cert.pdf_sha256:
        log.error("elsx: certificate file for %s does not match its recorded SHA-256", cert.number)
        raise DamagedFile(_("The certificate file failed its integrity check; staff have been told."))
    return data


class DamagedFile(Unavailable):
    """The stored PDF no longer matches the SHA-256 recorded when it was issued."""


def pdf_for_download(cert):
    """The PDF to hand the learner: the stored file if it passes its check, else a fresh rendering.

    The row is the certificate and the file only its rendering, so a tampered or
    truncated file is never served: the PDF is rendered again from the row's
    snapshot (the same name, hours and dates), stored as a new file, and the row
    points to it from then on. If that fails too, DamagedFile (503) and nothing changes.
    """
    try:
        return read_pdf(cert)
    except DamagedFile as damaged:
        failure = damaged
    try:
        pdf_bytes = render_pdf(prepare_document(cert))
    except Exception as exc:  # WeasyPrint raises many kinds
        log.error("elsx: re-rendering certificate %s failed: %s", cert.number, type(exc).__name__)
        raise failure from exc
    damaged_name = cert.pdf_path
    name = _store(cert, pdf_bytes)
    try:
        Certificate.objects.filter(pk=cert.pk).update(pdf_path=name, pdf_sha256=cert.pdf_sha256)
    except DatabaseError as exc:
        _discard(name)
        raise Unavailable(_("The certificate file is unavailable right now.")) from exc
    _discard(damaged_name)  # the damaged original holds the learner's data and is no longer referenced
    log.warning("elsx: certificate %s re-rendered from its issued record; the damaged file was not served",
                cert.number)
    return pdf_bytes


def download_name(cert):
    return f"{cert.course_number or 'certificate'}-certificate-{numbers.display(cert.number)}.pdf"


@dataclass(frozen=True)
class Verification:
    number: str  # as displayed
    status: str
    certificate: Certificate
    successor: str = ""  # displayed number of the newer certificate, if superseded

    @property
    def valid(self):
        return self.status == Certificate.STATUS_VALID

    def public_record(self):
        """What anyone with the number may see: no email, state ID, agency or contact."""
        cert = self.certificate
        return {
            "certificate_number": self.number,
            "status": self.status,
            "name": cert.legal_name,
            "course_title": cert.course_title,
            "course_number": cert.course_number,
            "provider": cert.provider_name,
            "credit_hours": float(cert.credit_hours),
            "credit_type": cert.credit_type,
            "delivery_method": cert.delivery_method,
            "completed_on": cert.completed_on.isoformat(),
            "issued_on": timezone.localdate(cert.issued_at).isoformat(),
            "revoked_on": timezone.localdate(cert.revoked_at).isoformat() if cert.revoked_at else None,
            "superseded_by": self.successor or None,
            "verification_url": verification_url(cert.number),
            "credential": openbadges.credential(cert, verification_url(cert.number), issuer_id()),
        }


def verify(number):
    """The verification of number, or NotFound for an unknown or malformed one."""
    cert = get_by_number(number)
    successor = cert.superseded_by
    return Verification(number=numbers.display(cert.number), status=cert.status, certificate=cert,
                        successor=numbers.display(successor.number) if successor else "")
