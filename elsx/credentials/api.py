"""Issuer profile, keys, signing and revocation status lists, in front of elsx.credentials.models.

Everything a verifier fetches is addressed under the public base URL:
/elsx/issuer (a Profile that is also the controller document of the keys),
/elsx/issuer/keys/<n> (Multikey), /elsx/status/<n> (BitstringStatusListCredential).
"""
import base64
import gzip
import json

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from elsx import compat, conf
from elsx.credentials import jsonld, keys, proofs
from elsx.credentials.models import StatusList

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
# A controller document whose first context is DID v1 needs no JSON-LD framing in
# jsonld-signatures' ControllerProofPurpose (lib/purposes/ControllerProofPurpose.js).
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
CREDENTIAL_CONTEXT = [jsonld.VC_V2, jsonld.OB_V3, jsonld.OB_EXTENSIONS]


def public_base_url():
    """Where verification pages are served from: ELSX VERIFY_BASE_URL, else the LMS root."""
    return (conf.get("VERIFY_BASE_URL") or compat.lms_root_url()).rstrip("/")


def issuer_url():
    return public_base_url() + reverse("elsx:issuer")


def key_url(n):
    return public_base_url() + reverse("elsx:issuer_key", kwargs={"n": n})


def status_list_url(n):
    return public_base_url() + reverse("elsx:status_list", kwargs={"n": n})


def now_iso():
    return timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- the issuer ------------------------------------------------------------

def issuer_summary():
    """The issuer as embedded in credentials: an OB3 Profile with what is configured."""
    profile = {"id": issuer_url(), "type": ["Profile"], "name": conf.get("PROVIDER_NAME")}
    for field, setting in (("url", "PROVIDER_URL"), ("email", "PROVIDER_EMAIL"), ("phone", "PROVIDER_PHONE")):
        if conf.get(setting):
            profile[field] = conf.get(setting)
    address = conf.get("PROVIDER_ADDRESS")
    if isinstance(address, dict) and address:
        profile["address"] = dict({"type": ["Address"]}, **{k: v for k, v in address.items() if v})
    return profile


def key_document(n, ring=None):
    key = (ring or keys.keyring()).get(n)
    if key is None:
        return None
    return {"@context": MULTIKEY_CONTEXT, "id": key_url(n), "type": "Multikey", "controller": issuer_url(),
            "publicKeyMultibase": key.public_multibase}


def issuer_profile():
    """/elsx/issuer: the Profile plus every key it has ever signed with (retired keys stay)."""
    ring = keys.keyring()
    methods = []
    for key in ring.keys:
        doc = key_document(key.n, ring)
        doc.pop("@context")
        methods.append(doc)
    profile = issuer_summary()
    return dict({"@context": [DID_CONTEXT, MULTIKEY_CONTEXT, jsonld.VC_V2, jsonld.OB_V3]}, **profile,
                verificationMethod=methods, assertionMethod=[m["id"] for m in methods])


# --- signing ---------------------------------------------------------------

def sign(document):
    """document with an eddsa-rdfc-2022 proof by the current key (UnsignableDocument if JSON-LD would trim it)."""
    key = keys.keyring().current
    return proofs.sign(document, key.private_key(), key_url(key.n), now_iso())


def public_key_for(verification_method):
    """The published key a verification method URL names, or None (for checks in Python)."""
    ring = keys.keyring()
    for key in ring.keys:
        if key_url(key.n) == verification_method:
            return key.public_key()
    return None


def dumps(document):
    """The one serialization stored, embedded and served (UTF-8 bytes)."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# --- status lists ------------------------------------------------------------

def allocate_status_index():
    """(list number, index) for a new credential; concurrency-safe on SQLite, MariaDB and PostgreSQL.

    The conditional UPDATE takes the row's write lock before the read, so two
    issuers can never read the same next_index.
    """
    for _attempt in range(5):
        with transaction.atomic():
            current = (StatusList.objects.filter(purpose="revocation", next_index__lt=F("size"))
                       .order_by("pk").values_list("pk", flat=True).first())
            if current is None:
                current = StatusList.objects.create(purpose="revocation").pk
                transaction.on_commit(lambda n=current: publish_status_list(n, ()))
            if StatusList.objects.filter(pk=current, next_index__lt=F("size")).update(
                    next_index=F("next_index") + 1):
                taken = StatusList.objects.values_list("next_index", flat=True).get(pk=current)
                return current, taken - 1
    raise RuntimeError("could not allocate a status list index")


def release_status_index(n, index):
    """Give back the index allocate_status_index() just returned, if it is still the last one taken."""
    StatusList.objects.filter(pk=n, next_index=index + 1).update(next_index=F("next_index") - 1)


def status_entry(n, index):
    url = status_list_url(n)
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": url}


def encode_bits(size, set_indexes):
    """The spec's encodedList: multibase base64url (no padding) of the GZIP'd bitstring, index 0 = first bit."""
    bits = bytearray(size // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_bits(encoded):
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_set(encoded, index):
    return bool(decode_bits(encoded)[index // 8] & (0x80 >> (index % 8)))


def publish_status_list(n, revoked_indexes):
    """Re-sign list n. revoked_indexes: an iterable, or a callable read under the list's lock.

    Call it after the change it reflects has committed; the version bump first
    takes the row's write lock, so the last publisher always sees every change.
    """
    with transaction.atomic():
        StatusList.objects.filter(pk=n).update(version=F("version") + 1)
        row = StatusList.objects.select_for_update().get(pk=n)
        revoked = sorted(revoked_indexes() if callable(revoked_indexes) else revoked_indexes)
        url = status_list_url(n)
        document = {
            "@context": [jsonld.VC_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_url(),
            "validFrom": now_iso(),
            "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                                  "statusPurpose": row.purpose, "encodedList": encode_bits(row.size, revoked)},
        }
        row.credential = dumps(sign(document)).decode("utf-8")
        row.signed_at = timezone.now()
        row.save(update_fields=["credential", "signed_at"])
    return row.credential


def status_list_credential(n):
    """The stored signed status list credential (str), or None for an unknown list."""
    return StatusList.objects.filter(pk=n).values_list("credential", flat=True).first()
