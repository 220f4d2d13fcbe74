"""Public verification: valid, revoked and superseded pages, JSON without private fields, 404s and 429."""
import json

import pytest
from django.core.cache import cache
from django.test import Client

from elsx.certificates import api, numbers
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, media  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(media):
    cache.clear()
    return api.claim(COURSE, complete_topics("learner-1"), **CLAIM)


def page(number, client=None, suffix=""):
    return (client or Client()).get(f"/elsx/verify/{number}{suffix}")


def test_valid_certificate_page_shows_the_record_and_nothing_private(issued):
    response = page(numbers.display(issued.number))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Valid" in body and CLAIM["legal_name"] in body and "11.0" in body
    assert issued.course_title.replace("&", "&amp;") in body
    assert "Riverside County Sheriff&#x27;s Office" in body and "Law-enforcement executive" in body  # as printed
    for private in (CLAIM["state_training_id"], "learner-1@example.org"):
        assert private not in body
    assert response["Cache-Control"] == "no-store" and "default-src 'none'" in response["Content-Security-Policy"]


def test_lookup_is_case_insensitive_and_forgives_separators(issued):
    assert page(issued.number.lower()).status_code == 200
    assert page(numbers.display(issued.number).replace("-", "")).status_code == 200


def test_revoked_page_says_revoked_with_the_date(issued):
    api.revoke(issued.number, "Records were falsified.", by="instructor")
    body = page(numbers.display(issued.number)).content.decode()
    assert "Revoked on" in body and "no longer valid" in body
    assert "Records were falsified." not in body  # the reason is for staff


def test_superseded_page_links_to_the_newer_number(issued):
    new = api.reissue(issued.number, by="instructor", legal_name="Dana M. Okonkwo")
    body = page(numbers.display(issued.number)).content.decode()
    assert "Superseded" in body
    assert f'href="/elsx/verify/{numbers.display(new.number)}"' in body
    data = json.loads(page(numbers.display(issued.number), suffix=".json").content)
    assert data["status"] == "superseded" and data["superseded_by"] == numbers.display(new.number)


def test_json_record_carries_the_public_fields_only(issued):
    response = page(numbers.display(issued.number), suffix=".json")
    data = json.loads(response.content)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert data["status"] == "valid" and data["name"] == CLAIM["legal_name"] and data["credit_hours"] == 11.0
    assert data["certificate_number"] == numbers.display(issued.number)
    # Agency and role are printed on the certificate the holder shows, so the record says them too.
    assert data["agency"] == CLAIM["agency"] and data["role"] == "Law-enforcement executive"
    assert data["credential_url"] == f"https://lms.example.org/elsx/verify/{numbers.display(issued.number)}.vc.json"
    assert "credential" not in data  # no unsigned copy wrapped in the record
    text = response.content.decode()
    for private in (CLAIM["state_training_id"], "le_executive", "learner-1@example.org", "learner-1"):
        assert private not in text


@pytest.mark.parametrize("number", ["nonsense", "AAAA-AAAA-AAAA-AAAA-AAAA", "<script>alert(1)</script>"])
def test_unknown_or_malformed_numbers_get_a_friendly_404(media, number):
    cache.clear()
    response = page(number)
    body = response.content.decode()
    assert response.status_code == 404
    assert "could not find a certificate" in body and "<form" in body and "<script>alert" not in body
    assert page(number, suffix=".json").status_code == 404


def test_a_valid_looking_but_unissued_number_is_404(media):
    cache.clear()
    assert page(numbers.display(numbers.generate())).status_code == 404


def test_lookup_form_redirects_to_the_canonical_page(issued):
    response = Client().get("/elsx/verify/", {"number": issued.number.lower()})
    assert response.status_code == 302 and response["Location"] == f"/elsx/verify/{numbers.display(issued.number)}"
    assert Client().get("/elsx/verify/").status_code == 200


def test_rate_limit_answers_429_per_client_address(issued, settings):
    settings.ELSX = dict(settings.ELSX, VERIFY_RATE_LIMIT=3)
    cache.clear()
    number = numbers.display(issued.number)
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [page(number, client).status_code for _ in range(3)] == [200, 200, 200]
    limited = page(number, client)
    assert limited.status_code == 429 and "Too many" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    assert page(number, client, suffix=".json").status_code == 429
    # Another address still gets through.
    assert page(number, Client(REMOTE_ADDR="203.0.113.8")).status_code == 200


def test_verification_urls_fall_back_to_the_lms_root(settings):
    settings.ELSX = {"VERIFY_BASE_URL": ""}
    settings.LMS_ROOT_URL = "https://courses.example.edu"
    number = numbers.generate()
    assert api.verification_url(number) == f"https://courses.example.edu/elsx/verify/{numbers.display(number)}"


def test_a_retired_learners_certificate_verifies_as_revoked_without_a_name(issued):
    from elsx.retirement import retire_learner
    retire_learner("learner-1")
    response = page(numbers.display(issued.number))
    body = response.content.decode()
    assert response.status_code == 200 and "Revoked on" in body
    assert "Removed at the holder's request" in body and CLAIM["legal_name"] not in body
