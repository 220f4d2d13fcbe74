"""The certificate as a signed Open Badges 3.0 OpenBadgeCredential.

Two variants are signed once, at issue, and stored on the certificate row:
- the PDF credential (the holder's: state training ID included), embedded in
  the PDF byte for byte;
- the public credential (its own id, no state training ID), served at
  /elsx/verify/<n>.vc.json.
Every key is a term of the VC 2.0 or OB 3.0 contexts: signing refuses
anything JSON-LD would drop (elsx.credentials.jsonld).
"""
import datetime
import uuid
from decimal import Decimal
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from elsx.certificates import numbers
from elsx.credentials import api as credentials
from elsx.models import ROLE_CHOICES

SCHEMA_URL = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/"
              "ob_v3p0_achievementcredential_schema.json")
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
STATE_ID_TYPE = "ext:StateTrainingId"
ROLE_LABELS = dict(ROLE_CHOICES)
# Fixed namespace for the PDF credential's urn:uuid (derived from the number, so it never changes).
PDF_ID_NAMESPACE = uuid.UUID("6f4b8f0e-2c1d-5d4a-9a51-3f0b1c2e7a10")


def _hours(value):
    return float(Decimal(value))


def _midnight(day):
    """A snapshot keeps dates; OB 3.0 wants date-times: midnight in the site's time zone."""
    if day is None:
        return None
    moment = datetime.datetime.combine(day, datetime.time(0), tzinfo=timezone.get_default_timezone())
    return moment.isoformat()


def _instant(moment):
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def public_credential_url(number):
    return credentials.public_base_url() + reverse("elsx:verify_vc", kwargs={"number": numbers.display(number)})


def pdf_credential_id(number):
    return f"urn:uuid:{uuid.uuid5(PDF_ID_NAMESPACE, number)}"


def achievement_id(cert):
    """The shared definition's id: the same for every certificate of a course number and version."""
    slug = quote(cert.course_number or "course", safe="")
    version = f"/v/{quote(cert.course_version, safe='')}" if cert.course_version else ""
    return f"{credentials.issuer_url()}/achievements/{slug}{version}"


# Marked for the catalog: the verification page shows it translated; the credential keeps English.
CRITERIA = gettext_noop("Complete every topic of the course: read each section, pass each knowledge check with the "
            "course's pass mark, and write each reflection.")


def criteria_narrative():
    """The criteria in the page's language (the credential keeps the English definition)."""
    from django.utils.translation import gettext
    return gettext(CRITERIA)


def achievement(cert):
    return {
        "id": achievement_id(cert),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": cert.course_title,
        "description": f"{_hours(cert.credit_hours):.1f} hours of {cert.credit_type} training credit, "
                       f"delivered {cert.delivery_method.lower()}.",
        "criteria": {"narrative": CRITERIA},
        "creditsAvailable": _hours(cert.credit_hours),
        "humanCode": cert.course_number,
        "version": cert.course_version or None,
        "fieldOfStudy": "Missing and exploited children",
        "tag": [tag for tag in (cert.credit_type, cert.delivery_method) if tag],
        "inLanguage": "en",
    }


def credential(cert, include_private=False):
    """The unsigned OB 3.0 credential dict for a certificate (saved or about to be)."""
    identifiers = [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                    "identityHash": cert.legal_name}]
    if include_private and cert.state_training_id:
        identifiers.append({"type": "IdentityObject", "identityType": STATE_ID_TYPE, "hashed": False,
                            "identityHash": cert.state_training_id})
    subject = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": achievement(cert),
        "creditsEarned": _hours(cert.credit_hours),
        "activityStartDate": _midnight(cert.started_on),
        "activityEndDate": _midnight(cert.completed_on),
        "role": str(ROLE_LABELS.get(cert.role, cert.role)) if cert.role else None,  # labels are lazy
        # OB 3.0 has no employer field; the agency is printed on the certificate, so it is said in words.
        "narrative": f"Agency: {cert.agency}" if cert.agency else None,
    }
    number = numbers.display(cert.number)
    description = f"Certificate number {number}."
    if include_private and cert.state_training_id and cert.state:
        description += f" State training ID issued by {cert.state}."
    data = {
        "@context": list(credentials.CREDENTIAL_CONTEXT),
        "id": pdf_credential_id(cert.number) if include_private else public_credential_url(cert.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{cert.course_title}: certificate of completion",
        "description": description,
        "issuer": credentials.issuer_summary(),
        "validFrom": _instant(cert.issued_at),
        "awardedDate": _instant(cert.issued_at),
        "credentialSubject": subject,
        "credentialSchema": [{"id": SCHEMA_URL, "type": SCHEMA_TYPE}],
    }
    if cert.status_list is not None and cert.status_index is not None:
        data["credentialStatus"] = credentials.status_entry(cert.status_list, cert.status_index)
    return _drop_empty(data)


def _drop_empty(value):
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def sign_both(cert):
    """Set cert.credential and cert.public_credential: each signed once, as stored and served."""
    cert.credential = credentials.dumps(credentials.sign(credential(cert, include_private=True))).decode("utf-8")
    cert.public_credential = credentials.dumps(credentials.sign(credential(cert))).decode("utf-8")
