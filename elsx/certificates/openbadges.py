"""The certificate as an Open Badges 3.0 credential (unsigned), for the PDF attachment and the JSON view.

The PDF carries the full record the learner may hand to a POST commission,
state training ID included. The public verification JSON leaves out
everything a stranger has no need for (state ID, agency, role).
"""
import json
from decimal import Decimal

from elsx.models import ROLE_CHOICES

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ROLE_LABELS = dict(ROLE_CHOICES)


def _date(value):
    return value.isoformat() if value else None


def _hours(value):
    return float(Decimal(value))


def achievement(cert, verification_url):
    return {
        "id": f"{verification_url}#achievement",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": cert.course_title,
        "description": f"{_hours(cert.credit_hours):.1f} hours of {cert.credit_type.lower()} training credit, "
                       f"delivered {cert.delivery_method.lower()}.",
        "criteria": {"narrative": "Complete every topic of the course: read each section, pass each "
                                  "knowledge check and write each reflection."},
        "creditsAvailable": _hours(cert.credit_hours),
        "humanCode": cert.course_number,
        "version": cert.course_version or None,
        "fieldOfStudy": "Missing and exploited children",
        "inLanguage": "en",
    }


def credential(cert, verification_url, issuer_id, include_private=False):
    """The OB 3.0 OpenBadgeCredential dict for a certificate (saved or about to be)."""
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                        "identityHash": cert.legal_name}],
        "achievement": achievement(cert, verification_url),
        "creditsEarned": _hours(cert.credit_hours),
        "activityStartDate": _date(cert.started_on),
        "activityEndDate": _date(cert.completed_on),
    }
    if include_private:
        if cert.state_training_id:
            subject["licenseNumber"] = cert.state_training_id
        if cert.role:
            subject["role"] = str(ROLE_LABELS.get(cert.role, cert.role))  # labels are lazy
        if cert.agency:
            subject["source"] = {"type": ["Profile"], "name": cert.agency}
    data = {
        "@context": CONTEXT,
        "id": verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{cert.course_title}: certificate of completion",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": cert.provider_name},
        "validFrom": cert.issued_at.isoformat(),
        "credentialSubject": subject,
        # Not OB fields; the record a credit roster wants, stated plainly.
        "elsx": {
            "certificateNumber": cert.number,
            "creditType": cert.credit_type,
            "deliveryMethod": cert.delivery_method,
            "signatory": {"name": cert.signatory_name, "title": cert.signatory_title},
            "status": cert.status,
        },
    }
    if include_private and cert.state:
        data["elsx"]["state"] = cert.state
    return _drop_empty(data)


def _drop_empty(value):
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def credential_json(cert, verification_url, issuer_id, include_private=True):
    return json.dumps(credential(cert, verification_url, issuer_id, include_private), ensure_ascii=False,
                      indent=2).encode("utf-8")
