"""Certificates under attack: numbers can't be enumerated, revocation sticks, damaged files are never served."""
import hashlib
import logging
from collections import Counter

import pytest

from elsx.certificates import api, numbers
from elsx.models import Certificate
from tests.hostile.conftest import (ALICE, ALICE_EMAIL, ALICE_LEGAL, STAFF, certificate_action, json_call, raw_call,
                                    staff_block)

pytestmark = pytest.mark.django_db


def test_numbers_are_random_unique_and_uniform():
    generated = [numbers.generate() for _ in range(20_000)]
    assert len(set(generated)) == len(generated)
    assert all(numbers.is_valid(number) for number in generated)
    assert numbers.RANDOM_BITS >= 80
    # Every alphabet character is about equally likely in every random position (chi-square, 31 dof).
    counts = Counter(char for number in generated for char in number[:numbers.RANDOM_LENGTH])
    expected = len(generated) * numbers.RANDOM_LENGTH / len(numbers.ALPHABET)
    chi2 = sum((counts[char] - expected) ** 2 / expected for char in numbers.ALPHABET)
    assert set(counts) == set(numbers.ALPHABET) and chi2 < 80, chi2  # p < 1e-5 beyond 80
    # No sequence: consecutive numbers share no more leading characters than chance allows.
    shared = [len(_common_prefix(a, b)) for a, b in zip(generated, generated[1:])]
    assert max(shared) <= 5 and sum(shared) / len(shared) < 0.1


def _common_prefix(a, b):
    return a[:next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), len(a))]


def test_every_single_character_change_of_many_numbers_is_detected():
    for number in (numbers.generate() for _ in range(300)):
        for position in range(numbers.LENGTH):
            for char in numbers.ALPHABET:
                if char != number[position]:
                    assert not numbers.is_valid(number[:position] + char + number[position + 1:])


def test_guessing_finds_nothing_and_hits_the_rate_limit(client, world, settings):
    """A guesser gets 404s, then 429s; spoofing X-Forwarded-For doesn't buy more guesses."""
    settings.ELSX = dict(settings.ELSX, VERIFY_RATE_LIMIT=10)
    from django.core.cache import cache
    cache.clear()
    statuses = []
    for index in range(14):
        guess = numbers.display(numbers.generate())
        path = f"/elsx/verify/{guess}" + (".json" if index % 2 else "")
        statuses.append(client.get(path, HTTP_X_FORWARDED_FOR=f"10.0.0.{index}").status_code)
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429] * 4
    limited = client.get(f"/elsx/verify/{numbers.display(world.alice_number)}.json")
    assert limited.status_code == 429 and "Retry-After" in limited
    assert ALICE_LEGAL not in limited.content.decode()
    cache.clear()


def revoke_alice(make_block, world):
    staff = staff_block(make_block)
    status, payload, raw, _headers = certificate_action(staff, "revoke", world.alice_number,
                                                        reason="Issued in error")
    assert status == 200, raw
    return staff


def number_forms(number):
    shown = numbers.display(number)
    return [number, shown, shown.lower(), shown.replace("-", " "), f"  {shown}  ", shown.replace("-", ""),
            shown.replace("1", "I").replace("0", "O")]


def test_a_revoked_certificate_never_verifies_as_valid(client, make_block, world):
    revoke_alice(make_block, world)
    for form in number_forms(world.alice_number):
        record = client.get(f"/elsx/verify/{form.strip()}.json")
        assert record.status_code == 200 and record.json()["status"] == "revoked", form
        assert record.json()["verification_url"] and record.json()["revoked_on"]
        page = client.get(f"/elsx/verify/{form.strip()}").content.decode()
        # The one status the page can show for it: the revoked notice, never the valid one.
        assert '<p class="status status--revoked" role="status">' in page and "Revoked on " in page
        assert 'class="status status--valid"' not in page and "Valid: this certificate" not in page
    # A second revoke, a staff reissue and a learner claim don't bring it back.
    staff = staff_block(make_block)
    assert certificate_action(staff, "revoke", world.alice_number, reason="again")[0] == 409
    assert certificate_action(staff, "reissue", world.alice_number, legal_name="Alicia Back")[0] == 409
    staff = make_block("<elsx_certificate/>", STAFF)
    from tests.conftest import as_user
    # Alice has a certificate, so her claim returns it as it is: revoked, the same number, nothing new.
    status, claimed, _raw, _headers = json_call(as_user(staff, ALICE), "claim", {
        "legal_name": "Alice", "agency": "Agency", "role": "other"})
    assert (status, claimed["status"], claimed["number"]) == (200, "revoked", numbers.display(world.alice_number))
    assert Certificate.objects.filter(learner_id=ALICE).count() == 1
    assert Certificate.objects.get(number=world.alice_number).status == Certificate.STATUS_REVOKED
    status, _payload, raw, _headers = raw_call(as_user(staff, ALICE), "download", method="GET")
    assert status == 403 and not raw.startswith(b"%PDF")


@pytest.mark.parametrize("damage", ["tampered", "truncated", "emptied", "swapped"])
def test_a_damaged_pdf_is_never_served_and_is_rendered_again_from_the_record(make_block, world, media, damage,
                                                                            caplog):
    cert = Certificate.objects.get(number=world.alice_number)
    path = media / cert.pdf_path
    original = path.read_bytes()
    damaged = {"tampered": original.replace(b"stand-in", b"forged!!"), "truncated": original[:len(original) // 2],
               "emptied": b"", "swapped": b"%PDF-1.7\n% someone else's certificate\n%%EOF\n"}[damage]
    path.write_bytes(damaged)
    block = make_block("<elsx_certificate/>", ALICE)
    caplog.set_level(logging.INFO)
    status, _payload, served, headers = raw_call(block, "download", method="GET")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert served != damaged and served.startswith(b"%PDF")
    cert.refresh_from_db()
    assert hashlib.sha256(served).hexdigest() == cert.pdf_sha256  # the row now points to the good file
    assert (media / cert.pdf_path).read_bytes() == served
    assert cert.number == world.alice_number and cert.status == Certificate.STATUS_VALID
    assert "re-rendered" in caplog.text
    assert ALICE_LEGAL not in caplog.text and ALICE_EMAIL not in caplog.text
    # The next download is the repaired file, byte for byte, with no further rendering.
    assert raw_call(block, "download", method="GET")[2] == served


def test_when_the_damaged_pdf_cannot_be_rendered_again_the_learner_gets_a_clear_503(make_block, world, media,
                                                                                    monkeypatch):
    cert = Certificate.objects.get(number=world.alice_number)
    (media / cert.pdf_path).write_bytes(b"%PDF-1.7 truncated")

    def broken(prepared):
        raise RuntimeError("WeasyPrint exploded")
    monkeypatch.setattr(api, "render_pdf", broken)
    block = make_block("<elsx_certificate/>", ALICE)
    status, payload, raw, _headers = raw_call(block, "download", method="GET")
    assert status == 503 and not raw.startswith(b"%PDF")
    assert "integrity" in payload["error"]
    before = (cert.pdf_path, cert.pdf_sha256)
    cert.refresh_from_db()
    assert (cert.pdf_path, cert.pdf_sha256) == before
    # Verification still answers from the record: the certificate itself is intact.
    assert api.verify(cert.number).valid
