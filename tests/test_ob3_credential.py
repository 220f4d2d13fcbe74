"""The signed Open Badges 3.0 credential: shape, 1EdTech schema, proof, issuer keys and status list."""
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client

from elsx.certificates import api, numbers, openbadges
from elsx.credentials import api as credentials
from elsx.credentials import jsonld, keys, proofs
from elsx.credentials.jsonld import UnsignableDocument
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, media  # noqa: F401

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).parent / "ob3_verifier" / "ob_v3p0_achievementcredential_schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture
def keyfile(media, settings, tmp_path):
    path = tmp_path / "keys.json"
    call_command("elsx_signing_key", file=str(path))
    settings.ELSX = dict(settings.ELSX, SIGNING_KEY_FILE=str(path))
    return path


@pytest.fixture
def issued(keyfile):
    return api.claim(COURSE, complete_topics("learner-1"), **CLAIM)


def schema_errors(document):
    validator = jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_both_variants_validate_against_the_1edtech_schema_with_no_errors(issued):
    assert schema_errors(json.loads(issued.credential)) == []
    assert schema_errors(json.loads(issued.public_credential)) == []


def test_the_credential_shape(issued):
    data = json.loads(issued.credential)
    assert data["@context"] == [jsonld.VC_V2, jsonld.OB_V3, jsonld.OB_EXTENSIONS]
    assert "elsx" not in data and "licenseNumber" not in data["credentialSubject"]
    subject = data["credentialSubject"]
    assert {"type": "IdentityObject", "identityType": "ext:StateTrainingId", "hashed": False,
            "identityHash": CLAIM["state_training_id"]} in subject["identifier"]
    assert "source" not in subject and subject["role"] == "Law-enforcement executive"
    for field in ("activityStartDate", "activityEndDate"):
        assert "T" in subject[field]
    assert data["issuer"]["id"] == "https://lms.example.org/elsx/issuer"
    assert data["credentialSchema"] == [{"id": openbadges.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    status = data["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == f"https://lms.example.org/elsx/status/{issued.status_list}"
    assert isinstance(data["proof"], list) and data["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert data["proof"][0]["verificationMethod"] == "https://lms.example.org/elsx/issuer/keys/1"
    jsonld.check_nothing_dropped({k: v for k, v in data.items() if k != "proof"})


def test_the_public_variant_has_its_own_id_and_no_state_id(issued):
    private, public = json.loads(issued.credential), json.loads(issued.public_credential)
    assert private["id"] != public["id"]
    assert public["id"] == f"https://lms.example.org/elsx/verify/{numbers.display(issued.number)}.vc.json"
    assert CLAIM["state_training_id"] not in issued.public_credential
    assert public["proof"][0]["proofValue"] != private["proof"][0]["proofValue"]


def test_achievement_id_is_the_shared_definition(keyfile):
    first = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    second = api.claim(COURSE, complete_topics("learner-2"), **CLAIM)
    ids = {json.loads(c.credential)["credentialSubject"]["achievement"]["id"] for c in (first, second)}
    assert len(ids) == 1 and numbers.display(first.number) not in ids.pop()


def test_signing_refuses_a_key_json_ld_would_drop(keyfile):
    document = openbadges.credential(api.verify(api.claim(COURSE, complete_topics(), **CLAIM).number).certificate)
    document["elsx"] = {"status": "valid"}
    with pytest.raises(UnsignableDocument, match=r"\$\.elsx"):
        credentials.sign(document)
    document.pop("elsx")
    document["credentialSubject"]["employer"] = "x"
    with pytest.raises(UnsignableDocument, match="employer"):
        credentials.sign(document)


def test_the_proof_verifies_and_a_one_byte_change_does_not(issued):
    data = json.loads(issued.credential)
    assert proofs.verify(data, credentials.public_key_for)
    tampered = json.loads(issued.credential.replace(CLAIM["legal_name"], CLAIM["legal_name"][:-1] + "x"))
    assert not proofs.verify(tampered, credentials.public_key_for)


def test_the_pdf_embeds_the_stored_bytes_and_vc_json_serves_the_public_one(issued):
    from pypdf import PdfReader
    import io
    reader = PdfReader(io.BytesIO(api.read_pdf(issued)))
    assert reader.attachments["open-badges-credential.json"][0] == issued.credential.encode("utf-8")
    response = Client().get(f"/elsx/verify/{numbers.display(issued.number)}.vc.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+ld+json"
    assert response.content == issued.public_credential.encode("utf-8")
    page = Client().get(f"/elsx/verify/{numbers.display(issued.number)}").content.decode()
    assert f'href="/elsx/verify/{numbers.display(issued.number)}.vc.json"' in page


def test_issuer_profile_is_the_controller_of_every_key_and_retired_keys_stay(issued, keyfile):
    client = Client()
    profile = json.loads(client.get("/elsx/issuer").content)
    assert profile["id"] == "https://lms.example.org/elsx/issuer" and profile["type"] == ["Profile"]
    assert profile["assertionMethod"] == ["https://lms.example.org/elsx/issuer/keys/1"]
    key = json.loads(client.get("/elsx/issuer/keys/1").content)
    assert key["type"] == "Multikey" and key["controller"] == profile["id"]
    assert key["publicKeyMultibase"].startswith("z6Mk")
    call_command("elsx_signing_key", file=str(keyfile), rotate=True)
    ring = json.loads(keyfile.read_text())
    assert ring["current"] == 2 and "secretKeyMultibase" not in ring["keys"][0]
    profile = json.loads(client.get("/elsx/issuer").content)
    assert profile["assertionMethod"] == [f"https://lms.example.org/elsx/issuer/keys/{n}" for n in (1, 2)]
    assert client.get("/elsx/issuer/keys/1").status_code == 200
    assert client.get("/elsx/issuer/keys/3").status_code == 404
    # The old credential still verifies; new ones are signed with key 2.
    assert proofs.verify(json.loads(issued.credential), credentials.public_key_for)
    newer = api.claim(COURSE, complete_topics("learner-2"), **CLAIM)
    assert json.loads(newer.credential)["proof"][0]["verificationMethod"].endswith("/keys/2")


def test_no_key_means_no_certificate_and_nothing_stored(media, settings):
    from elsx.errors import Unavailable
    from elsx.models import Certificate
    settings.ELSX_DEV_SIGNING_KEY_FILE = None
    with pytest.raises(Unavailable, match="signing key"):
        api.claim(COURSE, complete_topics(), **CLAIM)
    assert Certificate.objects.count() == 0


def status_bit(issued, client=None):
    response = (client or Client()).get(f"/elsx/status/{issued.status_list}")
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+ld+json"
    assert response["Cache-Control"] == "public, max-age=300"
    data = json.loads(response.content)
    assert proofs.verify(data, credentials.public_key_for)
    return credentials.is_set(data["credentialSubject"]["encodedList"], issued.status_index)


def test_status_list_flips_on_revoke_and_reissue_revokes_the_old_entry(issued, keyfile):
    assert status_bit(issued) is False
    other = api.claim(COURSE, complete_topics("learner-2"), **CLAIM)
    assert other.status_index != issued.status_index and other.status_list == issued.status_list
    api.revoke(issued.number, "issued in error", by="staff-1")
    assert status_bit(issued) is True and status_bit(other) is False
    new = api.reissue(other.number, by="staff-1", legal_name="Dana Okonkwo")
    assert status_bit(other) is True and status_bit(new) is False


def test_status_indexes_are_unique_per_certificate(keyfile):
    seen = {credentials.allocate_status_index() for _ in range(50)}
    assert len(seen) == 50


def test_keyring_rejects_a_mismatched_pair():
    good = keys.serialize(keys.new_ring())
    other = keys.serialize(keys.new_ring())
    good["keys"][0]["publicKeyMultibase"] = other["keys"][0]["publicKeyMultibase"]
    with pytest.raises(keys.KeysNotConfigured):
        keys.parse(good)


def test_retirement_removes_the_signed_credentials_and_revokes_the_entry(issued):
    from elsx.models import Certificate
    from elsx.retirement import retire_learner
    retire_learner("learner-1")
    row = Certificate.objects.get(pk=issued.pk)
    assert row.credential == "" and row.public_credential == ""
    assert status_bit(issued) is True
    assert Client().get(f"/elsx/verify/{numbers.display(issued.number)}.vc.json").status_code == 404


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_an_index(keyfile):
    from tests.test_certificates_concurrency import run_together
    results, errors = run_together(lambda: [credentials.allocate_status_index() for _ in range(10)])
    assert errors == []
    taken = [pair for batch in results for pair in batch]
    assert len(taken) == 40 and len(set(taken)) == 40


def test_a_value_json_ld_would_drop_is_refused_even_for_a_known_shape(keyfile):
    cert = api.claim(COURSE, complete_topics(), **CLAIM)
    document = openbadges.credential(cert)
    credentials.sign(dict(document))  # this shape is now known
    document["issuer"] = dict(document["issuer"], id="not an IRI")  # relative: the issuer leaves the RDF
    with pytest.raises(UnsignableDocument, match="not an IRI"):
        credentials.sign(document)
