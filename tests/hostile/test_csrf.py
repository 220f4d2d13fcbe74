"""CSRF: nothing reached through Django accepts a state-changing request without the token."""
import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from tests.hostile import inventory
from tests.hostile.conftest import MALLORY, STAFF, snapshot

pytestmark = pytest.mark.django_db

VIEW_ARGS = {"verify_lookup": {}, "verify_json": {"number": "AAAA"}, "verify": {"number": "AAAA"},
             "verify_vc": {"number": "AAAA"}, "verify_short": {"number": "A" * 20}, "issuer": {},
             "issuer_key": {"n": 1}, "status_list": {"n": 1}}


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def with_token(path, data):
    """A POST carrying a valid token pair, as the LMS page's JavaScript sends it."""
    token = _get_new_csrf_string()
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = token
    return client.post(path, data=data, content_type="application/json", HTTP_X_CSRFTOKEN=token)


@pytest.mark.parametrize("name", sorted(inventory.VIEWS))
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_elsx_views_refuse_writes_without_a_token(strict, world, name, method):
    assert set(VIEW_ARGS) == set(inventory.VIEWS)
    path = reverse(f"elsx:{name}", kwargs=VIEW_ARGS[name])
    before = snapshot()
    response = getattr(strict, method)(path, data="{}", content_type="application/json")
    assert response.status_code in (403, 405), (path, response.status_code)
    assert snapshot() == before
    # Read-only views: even with a token, a write method is refused.
    assert with_token(path, "{}").status_code == 405


# With the token, the sample request gets the handler's own answer: 200, or the refusal its fixture implies.
CONTROL = {
    ("elsx_certificate", "claim"): (403, "Not yet eligible"),  # mallory has one section viewed
    ("elsx_cohort", "reinstate_certificate"): (409, "Only a revoked certificate"),  # alice's is valid
    ("elsx_cohort", "export_status"): (404, "No such export"),  # no job 1 in the world
    ("elsx_readiness", "attest"): (403, "Only the agency's executive"),  # mallory leads no agency
    ("elsx_cohort", "review_decide"): (404, "No submission with that id"),  # no capstone submitted in the world
    ("elsx_cohort", "review_detail"): (404, "No submission with that id"),
    ("elsx_final", "start"): (403, "opens when every topic is complete"),  # mallory has one section viewed
    ("elsx_final", "submit"): (404, "This attempt is not valid"),  # no attempt was started
}


@pytest.mark.parametrize("route", ["handler", "unauth_handler"])
@pytest.mark.parametrize("key", inventory.json_handlers_with(inventory.LEARNER, inventory.STAFF_ONLY,
                                                             inventory.AUTHORING), ids=inventory.ident)
def test_workbench_handler_route_refuses_a_post_without_the_token(strict, make_block, world, key, route):
    user = STAFF if inventory.HANDLERS[key] != inventory.LEARNER else MALLORY
    block = make_block(inventory.BLOCK_XML[key[0]], user)
    body, _query = inventory.sample_request(key, world.alice_number)
    path = f"/{route}/{block.scope_ids.usage_id}/{key[1]}/?student={user}"
    before = snapshot()
    response = strict.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert world.leaks(response.content) == []
    assert snapshot() == before
    if route == "handler":
        # The control: with the token the same request reaches the handler.
        answered = with_token(path, json.dumps(body))
        status, message = CONTROL.get(key, (200, None))
        assert answered.status_code == status, answered.content[:300]
        if message:  # the handler's own refusal, not the CSRF page
            assert message in answered.json()["error"]
        assert answered["Content-Type"].startswith("application/json")
