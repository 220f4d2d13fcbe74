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
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from elsx import compat, conf, eligibility, events, storage
from elsx.affirmation import api as affirmation
from elsx.audit import api as audit
from elsx.certificates import numbers, openbadges
from elsx.credentials import api as credentials
from elsx.credentials.jsonld import UnsignableDocument
from elsx.credentials.keys import KeysNotConfigured
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
RETIREMENT = "retirement"  # revoked_by when elsx.retirement revoked it


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
    _check_printable(cleaned)
    return cleaned


PRINTED_FIELDS = (("legal_name", _lazy("Legal name")), ("agency", _lazy("Agency")),
                  ("state_training_id", _lazy("State training ID")), ("state", _lazy("State")))


def _check_printable(cleaned):
    """InvalidInput (400) naming the characters no bundled font can print: never a name of boxes."""
    from elsx.certificates import glyphs
    for field, label in PRINTED_FIELDS:
        missing = glyphs.unprintable(cleaned.get(field, ""))
        if missing:
            raise InvalidInput(
                _("{label}: the certificate can't print these characters: {chars}. Write them another way "
                  "(for example in Latin letters) or leave them out.").format(
                    label=label, chars=glyphs.describe(missing)),
                field=field, characters=[f"U+{ord(char):04X}" for char in missing])


def ready_to_claim(status):
    """Everything met but what the claim itself does (the affirmation)."""
    return all(req.met for req in status.requirements if req.key != affirmation.KEY)


def claim(course_key, learner, legal_name, agency, role, state_training_id="", state="", affirm=False):
    """Confirm the learner's details and issue their certificate (idempotent).

    Returns the learner's certificate; a second claim returns the first one
    unchanged (corrections after issue are a staff reissue). With COMMISSION
    on, the learner must affirm (affirm=True); the affirmation is recorded
    with its time and linked to the certificate.
    """
    if learner is None or learner.is_anonymous:
        raise NotAllowed(_("Sign in to claim your certificate."))
    cleaned = clean_claim(legal_name, agency, role, state_training_id, state)
    existing = current_certificate(course_key, learner.id)
    if existing is not None:
        return existing
    if affirmation.required() and affirm is not True:
        raise InvalidInput(_("Affirm that you personally completed the training."), field="affirm")
    status = eligibility.check(course_key, learner.id)
    if not ready_to_claim(status):
        raise NotAllowed(status.explain(), missing=[req.key for req in status.missing])
    profile = ensure_profile(course_key, learner)
    if profile.retired_at is not None:
        raise NotAllowed(_("This account has been retired."))
    if affirmation.required():
        affirmation.record(course_key, learner.id)
        status = eligibility.check(course_key, learner.id)
    LearnerProfile.objects.filter(pk=profile.pk).update(
        claimed_at=timezone.now(), claim_language=translation.get_language() or "", **cleaned)
    cert = issue(course_key, learner.id, status=status)
    if affirmation.required():
        affirmation.link_certificate(course_key, learner.id, cert.number)
    return cert


# --- issuing ---------------------------------------------------------------

def current_certificate(course_key, learner_id):
    """The learner's latest certificate (valid, revoked or superseded), or None."""
    if not learner_id:
        return None
    return (Certificate.objects.filter(course_key=course_key, learner_id=learner_id)
            .order_by("-generation").first())


@dataclass(frozen=True)
class CertificateState:
    """What a learner should be told about their certificate, derived afresh from the records.

    kind: "issued", "revoked", "superseded", "ready" (eligible, not claimed) or "not_eligible".
    """
    kind: str
    cert: object = None
    eligibility: object = None

    @property
    def number(self):
        return numbers.display(self.cert.number) if self.cert else ""


def certificate_state(course_key, learner_id, status=None):
    cert = current_certificate(course_key, learner_id)
    if cert is not None:
        kind = {Certificate.STATUS_VALID: "issued", Certificate.STATUS_REVOKED: "revoked"}.get(cert.status,
                                                                                             "superseded")
        return CertificateState(kind=kind, cert=cert)
    status = status or eligibility.check(course_key, learner_id)
    return CertificateState(kind="ready" if status.eligible else "not_eligible", eligibility=status)


def public_base_url():
    """Where verification pages are served from: ELSX VERIFY_BASE_URL, else the LMS root."""
    return credentials.public_base_url()


def verification_url(number):
    return public_base_url() + reverse("elsx:verify", kwargs={"number": numbers.display(number)})


def issuer_id():
    return credentials.issuer_url()


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
        language=profile.claim_language or translation.get_language() or "en",
        engaged_seconds=status.progress.engaged_seconds,  # the record, not the public page
    )


@dataclass(frozen=True)
class PreparedDocument:
    """What the PDF renderer needs; plain data, so it can go to a worker process."""
    html: str
    credential_json: bytes
    cjk: bool
    assets: tuple = ()  # (template name, file path) of configured images


def sign(cert, allocate=True):
    """Allocate the certificate's status entry and sign its credentials (once, before the first render).

    Raises Unavailable if signing is not configured or the credential would not sign whole.
    """
    try:
        if allocate and cert.status_index is None:
            cert.status_list, cert.status_index = credentials.allocate_status_index()
        openbadges.sign_both(cert)
    except KeysNotConfigured as exc:
        log.error("elsx: certificate signing is not configured: %s", exc)
        raise Unavailable(_("Certificates can't be issued until the site's signing key is set up; "
                            "staff have been told.")) from exc
    except UnsignableDocument as exc:
        log.error("elsx: a certificate credential would not sign whole: %s", exc)
        raise Unavailable(_("The certificate could not be created; nothing was issued. Please try again.")) from exc


def prepare_document(cert):
    """Template HTML and the signed credential bytes for a certificate (signed by sign())."""
    language = cert.language or translation.get_language() or "en"
    with translation.override(language):
        return _prepare_document(cert, language)


def _prepare_document(cert, language):
    from elsx.certificates import glyphs, render
    if not cert.credential:  # a sample, or a row from before signing: sign, but allocate no status entry
        sign(cert, allocate=False)
    url = short_verification_url(cert.number)
    signature = render.configured_asset(conf.get("SIGNATURE_IMAGE"), "signature")
    logo = render.configured_asset(conf.get("PROVIDER_LOGO"), "logo")
    qr_name, qr_png = qr_image(url)
    context = {
        "cert": cert,
        "number": numbers.display(cert.number),
        # Fixed family names only (never learner text): the families this document's scripts need.
        "font_families": ", ".join(f"'{family}'" for family in glyphs.families_for(
            cert.legal_name, cert.agency, cert.state_training_id, cert.state, cert.provider_name,
            cert.signatory_name, cert.signatory_title, cert.course_title)),
        "qr_src": qr_name,
        "verification_url": url,
        # Printed without the scheme, in pieces that never break inside (see certificate.css .url).
        "url_parts": printed_url_parts(cert.number),
        "role_label": str(ROLES[cert.role]) if cert.role in ROLES else "",  # labels are gettext_lazy
        # Configured words are printed as configured; the defaults are in the catalog.
        "credit_type": _(cert.credit_type) if cert.credit_type else "",
        "delivery_method": _(cert.delivery_method) if cert.delivery_method else "",
        "signatory_name": _(cert.signatory_name) if cert.signatory_name else "",
        "signature_src": signature[0] if signature else "",
        "logo_src": logo[0] if logo else "",
        "provider_lines": provider_lines(),
        "approvals": approvals(),
        "name_size": render.name_size(cert.legal_name),
        "agency_size": render.name_size(cert.agency),
        "lang": language,
    }
    html = render.certificate_html(context)
    # Exactly the stored bytes: the PDF's credential is the one that was signed.
    credential = cert.credential.encode("utf-8")
    return PreparedDocument(html=html, credential_json=credential,
                            cjk=render.needs_cjk(cert.legal_name, cert.agency, cert.state_training_id, cert.state),
                            assets=tuple(asset for asset in (signature, logo) if asset) + ((qr_name, qr_png),))


def short_verification_url(number):
    """What the certificate prints and its QR code holds: /elsx/v/<20 characters>, no dashes to break at."""
    return public_base_url() + reverse("elsx:verify_short", kwargs={"number": number})


def printed_url_parts(number):
    """The short URL without its scheme, as (host, path, number): a line may break only between them."""
    url = short_verification_url(number)
    host_and_path = url.split("://", 1)[-1]
    host, _sep, path = host_and_path.partition("/")
    path = "/" + path[: -len(number)]
    return host, path, number


def linkedin_url(cert):
    """LinkedIn's add-to-profile link, pre-filled with the certificate's fields (no personal data)."""
    from urllib.parse import urlencode
    issued = timezone.localdate(cert.issued_at)
    query = {"startTask": "CERTIFICATION_NAME", "name": cert.course_title, "organizationName": cert.provider_name,
             "issueYear": issued.year, "issueMonth": issued.month,
             "certUrl": short_verification_url(cert.number), "certId": numbers.display(cert.number)}
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


LOGO_MAX_BYTES = 256 * 1024


def issuer_display():
    """The issuer as the verification page shows it: name, logo (a data: URL) and contact lines."""
    import base64
    logo = ""
    path = conf.get("PROVIDER_LOGO")
    if path:
        from pathlib import Path
        file = Path(path)
        kind = {".png": "image/png", ".svg": "image/svg+xml"}.get(file.suffix.lower())
        if kind and file.is_file() and file.stat().st_size <= LOGO_MAX_BYTES:
            logo = f"data:{kind};base64," + base64.b64encode(file.read_bytes()).decode("ascii")
    return {"name": conf.get("PROVIDER_NAME"), "logo": logo, "lines": provider_lines()}


def criteria_text():
    """What a learner did to earn the certificate, in words (the achievement's criteria)."""
    return openbadges.criteria_narrative()


def provider_lines():
    """The provider's address and contact, as configured (nothing blank)."""
    address = conf.get("PROVIDER_ADDRESS") or {}
    lines = []
    if isinstance(address, dict):
        street = address.get("streetAddress", "")
        place = " ".join(part for part in (address.get("addressLocality", "") and address["addressLocality"] + ",",
                                           address.get("addressRegion", ""), address.get("postalCode", "")) if part)
        lines.append(" · ".join(part for part in (street, place.strip(" ,"), address.get("addressCountry", ""))
                                if part))
    contact = [conf.get(key) for key in ("PROVIDER_CONTACT", "PROVIDER_EMAIL", "PROVIDER_PHONE", "PROVIDER_URL")]
    seen = []
    for item in contact:
        if item and item not in seen:
            seen.append(item)
    lines.append(" · ".join(seen))
    return [line for line in lines if line]


def approvals():
    """[(authority, number)] from ELSX["APPROVALS"], skipping entries without an authority."""
    found = []
    for item in conf.get("APPROVALS") or []:
        if isinstance(item, dict) and str(item.get("authority", "")).strip():
            found.append((str(item["authority"]).strip(), str(item.get("number", "") or "").strip()))
    return found


def qr_image(url):
    """(template name, PNG bytes): one pixel per module, drawn without smoothing (certificate.css).

    Medium error correction survives a crease or a poor scan; no personal data in the URL.
    A raster is about a sixth cheaper to render than the SVG, and zbar reads it at 150 dpi (tests).
    """
    import io

    import segno
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=0, dark="#1d2433")
    data = buffer.getvalue()
    return f"generated/qr-{hashlib.sha256(data).hexdigest()[:16]}.png", data


def render_pdf(prepared):
    from elsx.certificates import render
    return render.certificate_pdf(prepared.html, prepared.credential_json, prepared.cjk, prepared.assets)


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
    sign(snapshot)
    with _entry_returned_unless_saved(snapshot):
        try:
            pdf_bytes = render_pdf(prepare_document(snapshot))
        except Exception as exc:  # WeasyPrint raises many kinds; none may leave a row behind
            log.exception("elsx: rendering certificate for learner %s failed", learner_id)
            raise Unavailable(_("The certificate could not be created; nothing was issued. "
                                "Please try again.")) from exc
        return _record(snapshot, pdf_bytes)[0]


@contextmanager
def _entry_returned_unless_saved(cert):
    """A failed or lost issue gives its status index back (when no one has taken a later one)."""
    try:
        yield
    finally:
        if cert.status_index is not None and (
                cert.pk is None or not Certificate.objects.filter(pk=cert.pk).exists()):  # rolled back
            credentials.release_status_index(cert.status_list, cert.status_index)


def _claimed(course_key):
    return (LearnerProfile.objects.filter(course_key=course_key, retired_at__isnull=True)
            .exclude(claimed_at__isnull=True).exclude(legal_name=""))


def claimed_without_certificate(course_key):
    """The profiles issue_for_course will consider issuing to: claimed, not retired, holding no certificate."""
    return _claimed(course_key).exclude(
        Exists(Certificate.objects.filter(course_key=course_key, learner_id=OuterRef("learner_id"))))


def issue_for_course(course_key, workers=1):
    """Issue for every eligible learner who has claimed; returns counts by outcome.

    With workers > 1, PDFs render in that many processes while this process
    prepares the next documents and stores finished ones, so the database
    sees one writer and the workers never wait for the whole list.
    """
    counts = {"issued": 0, "already_issued": 0, "not_eligible": 0, "not_claimed": 0, "failed": 0}
    total_topics = len(get_curriculum().topics)
    claimed = _claimed(course_key)
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
                continue
            try:
                sign(snapshot)
            except Unavailable:
                counts["failed"] += 1
                continue
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
                                                    prepared.credential_json, prepared.cjk, prepared.assets)))
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
        audit.record(audit.REVOKE, cert, by, reason=reason)
    republish_status(cert)
    log.info("elsx: certificate %s revoked by %s", cert.number, getattr(by, "id", by))
    events.emit(events.CERTIFICATE_REVOKED, certificate_number=cert.number, learner_id=cert.learner_id,
                course_key=cert.course_key, by_retirement=False)
    return cert


def revoked_status_indexes(list_number):
    """Indexes in a status list whose certificate is no longer valid (revoked or superseded)."""
    return list(Certificate.objects.filter(status_list=list_number).exclude(status=Certificate.STATUS_VALID)
                .values_list("status_index", flat=True))


def republish_status(cert):
    """Re-sign cert's status list after a committed status change (revoke, reissue, reinstate)."""
    if cert.status_list is not None:
        republish_status_list(cert.status_list)


def republish_status_list(list_number):
    try:
        credentials.publish_status_list(list_number, lambda: revoked_status_indexes(list_number))
    except KeysNotConfigured:
        log.error("elsx: status list %s could not be re-signed: no signing key", list_number)


def status_list_json(list_number):
    """The signed status list credential (str), signing it first if it never was; None if unknown."""
    stored = credentials.status_list_credential(list_number)
    if stored == "":
        stored = credentials.publish_status_list(list_number, lambda: revoked_status_indexes(list_number))
    return stored


# What a successor (reissue, reinstatement) takes from the certificate it replaces: the course facts and
# the claim. A list of what belongs, not a copy with exceptions, so revocation fields (or any field added
# later) never carry over into a new valid certificate. tests/hostile/test_revocation.py checks that every
# field of Certificate is either here or in SET_FRESH.
CARRIED_OVER = ("course_key", "learner_id", "course_title", "course_number", "course_version", "provider_name",
                "credit_hours", "credit_type", "delivery_method", "started_on", "completed_on",
                "signatory_name", "signatory_title", "language", "engaged_seconds") + CLAIM_FIELDS
SET_FRESH = ("id", "number", "generation", "status", "issued_at", "pdf_path", "pdf_sha256",
             "revoked_at", "revoke_reason", "revoked_by", "superseded_by",
             # A successor is a new credential: signed anew, with its own status entry.
             "credential", "public_credential", "status_list", "status_index")


def _successor(old, cleaned):
    """An unsaved valid certificate replacing old, with the cleaned claim fields."""
    new = Certificate(**{field: getattr(old, field) for field in CARRIED_OVER})
    for field, value in cleaned.items():
        setattr(new, field, value)
    new.number = numbers.generate()
    new.generation = old.generation + 1
    new.status = Certificate.STATUS_VALID
    new.issued_at = timezone.now()
    return new


def _revoked_by_retirement(cert):
    if cert.revoked_by == RETIREMENT:
        return True
    return LearnerProfile.objects.filter(course_key=cert.course_key, learner_id=cert.learner_id,
                                         retired_at__isnull=False).exists()


def reissue(number, by, **corrections):
    """A new certificate superseding number, with corrected claim fields.

    The course facts (hours, dates) carry over: a reissue corrects the
    record, it doesn't re-grade the learner. The old row stays and points to
    its successor. A revoked certificate is never reissued (Conflict): its
    revocation is final unless staff reinstate it, with a reason.
    """
    unknown = sorted(set(corrections) - set(CLAIM_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field(s): {names}.").format(names=", ".join(unknown)))
    old = get_by_number(number)
    _refuse_replaced(old)
    if old.status == Certificate.STATUS_REVOKED:
        if _revoked_by_retirement(old):
            raise Conflict(_("This certificate was revoked because the learner's account was retired. "
                             "It cannot be reissued or reinstated."), status=old.status)
        raise Conflict(_("This certificate is revoked, so it cannot be reissued. If the revocation was a "
                         "mistake, reinstate it instead, giving a reason."), status=old.status)
    merged = {field: corrections.get(field, getattr(old, field)) for field in CLAIM_FIELDS}
    new = _successor(old, clean_claim(**merged))
    _replace(old, new, by, audit.REISSUE, "", update_profile=True)
    log.info("elsx: certificate %s reissued as %s by %s", old.number, new.number, getattr(by, "id", by))
    events.emit(events.CERTIFICATE_REISSUED, certificate_number=new.number, replaces=old.number,
                learner_id=new.learner_id, course_key=new.course_key, generation=new.generation)
    return new


def reinstate(number, reason, by):
    """Undo a revocation made in error: a new valid certificate replacing the revoked one, with a reason.

    The revoked number stays revoked (anyone who checked it saw that) and
    points to the new one; the audit trail keeps who reinstated it and why.
    Never for a certificate revoked because its learner was retired.
    """
    reason = clean_text(reason, "reason", _("Reason"), REASON_MIN, REASON_MAX)
    old = get_by_number(number)
    _refuse_replaced(old)
    if old.status != Certificate.STATUS_REVOKED:
        raise Conflict(_("Only a revoked certificate can be reinstated; this one is {status}.").format(
            status=old.get_status_display().lower()), status=old.status)
    if _revoked_by_retirement(old):
        raise Conflict(_("This certificate was revoked because the learner's account was retired. "
                         "It cannot be reissued or reinstated."), status=old.status)
    new = _successor(old, clean_claim(**{field: getattr(old, field) for field in CLAIM_FIELDS}))
    _replace(old, new, by, audit.REINSTATE, reason)
    log.info("elsx: certificate %s reinstated as %s by %s", old.number, new.number, getattr(by, "id", by))
    events.emit(events.CERTIFICATE_REINSTATED, certificate_number=new.number, replaces=old.number,
                learner_id=new.learner_id, course_key=new.course_key, generation=new.generation)
    return new


def _refuse_replaced(old):
    if old.superseded_by_id is not None:
        raise Conflict(_("This certificate was already reissued as {number}.").format(
            number=numbers.display(old.superseded_by.number)))


def _replace(old, new, by, action, reason, update_profile=False):
    """Sign new (its own status entry), render and store it, then save it and point old to it in one
    transaction; audit the action. The old entry is re-signed as revoked when old is superseded."""
    sign(new)
    with _entry_returned_unless_saved(new):
        _replace_signed(old, new, by, action, reason, update_profile)
    republish_status(old)


def _replace_signed(old, new, by, action, reason, update_profile):
    try:
        pdf_bytes = render_pdf(prepare_document(new))
    except Exception as exc:
        log.exception("elsx: rendering the successor of %s failed", old.number)
        raise Unavailable(_("The certificate could not be created; nothing changed. Please try again.")) from exc
    name = _store(new, pdf_bytes)
    try:
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().get(pk=old.pk)
            if locked.superseded_by_id is not None:
                raise Conflict(_("This certificate was reissued by someone else a moment ago."))
            if locked.status != old.status:
                raise Conflict(_("This certificate changed a moment ago; look it up again and retry."))
            new.save(force_insert=True)
            locked.superseded_by = new
            if locked.status == Certificate.STATUS_VALID:
                locked.status = Certificate.STATUS_SUPERSEDED
            locked.save(update_fields=["superseded_by", "status"])
            if update_profile:
                LearnerProfile.objects.filter(course_key=old.course_key, learner_id=old.learner_id).update(
                    **{field: getattr(new, field) for field in CLAIM_FIELDS})
            audit.record(action, locked, by, reason=reason, new_number=new.number)
    except IntegrityError:
        _discard(name)
        raise Conflict(_("This certificate was reissued by someone else a moment ago.")) from None
    except (Conflict, DatabaseError):
        _discard(name)
        raise


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
        """What anyone with the number may see: what the certificate prints, less the state ID."""
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
            "agency": cert.agency,
            "role": str(ROLES[cert.role]) if cert.role in ROLES else "",
            "verification_url": verification_url(cert.number),
            # The signed credential itself, served alone (no wrapper record around it).
            "credential_url": openbadges.public_credential_url(cert.number) if cert.public_credential else None,
        }


def verify(number):
    """The verification of number, or NotFound for an unknown or malformed one."""
    cert = get_by_number(number)
    successor = cert.superseded_by
    return Verification(number=numbers.display(cert.number), status=cert.status, certificate=cert,
                        successor=numbers.display(successor.number) if successor else "")
