"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites v1.0, §3.2).

hashData = SHA-256(canonical proof options) || SHA-256(canonical document);
the proof value is the Ed25519 signature of hashData, base58btc multibase.
"""
import hashlib
import json
from functools import lru_cache

from cryptography.exceptions import InvalidSignature

from elsx.credentials import jsonld, multikey

CRYPTOSUITE = "eddsa-rdfc-2022"


@lru_cache(maxsize=64)
def _options_hash(options_json):
    """SHA-256 of the canonical proof options: the same for every document signed in one second."""
    return hashlib.sha256(jsonld.canonicalize(json.loads(options_json)).encode("utf-8")).digest()


def _hash_data(document, proof_options, nquads=None):
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = dict(proof_options, **{"@context": document["@context"]})
    options.pop("proofValue", None)
    nquads = jsonld.canonicalize(unsigned) if nquads is None else nquads
    return _options_hash(json.dumps(options, sort_keys=True)) + hashlib.sha256(nquads.encode("utf-8")).digest()


def sign(document, private_key, verification_method, created):
    """document with a proof array holding one DataIntegrityProof; refuses documents JSON-LD would trim."""
    if "proof" in document:
        raise ValueError("the document is already signed")
    nquads = jsonld.canonicalize(document)
    jsonld.check_nothing_dropped(document, nquads)
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = private_key.sign(_hash_data(document, options, nquads))
    return dict(document, proof=[dict(options, proofValue=multikey.multibase(signature))])


def verify(document, public_key_for):
    """True if every proof verifies; public_key_for(verification method id) returns a public key or None."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    if not proofs:
        return False
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    for proof in proofs:
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
            return False
        key = public_key_for(proof.get("verificationMethod"))
        if key is None:
            return False
        try:
            key.verify(multikey.from_multibase(proof["proofValue"]), _hash_data(unsigned, proof))
        except (InvalidSignature, ValueError, KeyError):
            return False
    return True
