"""Who may call what: staff-only and authoring endpoints refuse learners and anonymous users, learner
endpoints refuse anonymous users, and no learner reaches another learner's data whatever ids they send."""
import pytest

from tests.conftest import as_user, render
from tests.hostile import inventory
from tests.hostile.conftest import ALICE, ANON, MALLORY, STAFF, json_call, raw_call, snapshot
from tests.hostile.inventory import AUTHORING, DOWNLOADS, LEARNER, STAFF_ONLY

pytestmark = pytest.mark.django_db


def call_as(block, key, world, body=None, query=None, extra_query=""):
    sample_body, sample_query = inventory.sample_request(key, world.alice_number)
    body = sample_body if body is None else body
    query = sample_query if query is None else query
    query = "&".join(part for part in (query, extra_query) if part)
    if key in DOWNLOADS:
        return raw_call(block, key[1], method="GET", query=query)
    if key in inventory.UPLOADS:
        upload, content_type = inventory.sample_upload(key)
        return raw_call(block, key[1], upload, query=query, content_type=content_type)
    return json_call(block, key[1], body, query=query)


@pytest.mark.parametrize("user_id", [ANON, MALLORY])
@pytest.mark.parametrize("key", inventory.handlers_with(STAFF_ONLY, AUTHORING), ids=inventory.ident)
def test_staff_and_authoring_endpoints_refuse_learners_and_anonymous(make_block, world, key, user_id):
    block = make_block(inventory.BLOCK_XML[key[0]], user_id)
    before = snapshot()
    status, payload, body, headers = call_as(block, key, world)
    assert status in (403, 404), (status, body[:300])
    assert headers["Content-Type"].startswith("application/json")
    assert payload and set(payload) <= {"error", "field"} and payload["error"].strip()
    assert world.leaks(body) == []
    assert snapshot() == before


@pytest.mark.parametrize("key", inventory.handlers_with(STAFF_ONLY, AUTHORING), ids=inventory.ident)
def test_staff_get_through_the_same_requests(make_block, world, key):
    """The positive control: the requests above are ones staff are allowed to make."""
    status, payload, body, _headers = call_as(make_block(inventory.BLOCK_XML[key[0]], STAFF), key, world)
    # job 1 does not exist (404); alice's certificate is valid, so it can't be reinstated (409);
    # review submission 1 need not exist (404).
    expected = {("elsx_cohort", "export_status"): 404, ("elsx_cohort", "reinstate_certificate"): 409,
                ("elsx_cohort", "review_detail"): 404, ("elsx_cohort", "review_decide"): 404}
    assert status == expected.get(key, 200), (status, body[:300])


@pytest.mark.parametrize("key", inventory.handlers_with(LEARNER), ids=inventory.ident)
def test_learner_endpoints_refuse_anonymous(make_block, world, key):
    block = make_block(inventory.BLOCK_XML[key[0]], ANON)
    before = snapshot()
    status, payload, body, _headers = call_as(block, key, world)
    assert status in (401, 403), (status, body[:300])
    assert payload["error"].strip()
    assert world.leaks(body) == []
    assert snapshot() == before


IDENTITY_KEYS = ("learner_id", "user_id", "student", "username", "course_key", "number")


@pytest.mark.parametrize("extra", IDENTITY_KEYS)
@pytest.mark.parametrize("key", inventory.json_handlers_with(LEARNER), ids=inventory.ident)
def test_identity_keys_in_the_body_are_refused(make_block, world, key, extra):
    body, _query = inventory.sample_request(key, world.alice_number)
    body = dict(body, **{extra: world.alice_number if extra == "number" else ALICE})
    block = make_block(inventory.BLOCK_XML[key[0]], MALLORY)
    before = snapshot()
    status, payload, raw, _headers = call_as(block, key, world, body=body)
    assert status == 400, (status, raw[:300])
    assert payload["error"].strip()
    assert world.leaks(raw) == []
    assert snapshot() == before


ALICE_QUERY = "student=alice&learner_id=alice&user_id=alice&username=alice"


@pytest.mark.parametrize("key", inventory.json_handlers_with(LEARNER), ids=inventory.ident)
def test_identity_in_the_query_string_is_ignored(make_block, world, key):
    """Mallory's request acts on mallory: alice's rows stay exactly as they were."""
    block = make_block(inventory.BLOCK_XML[key[0]], MALLORY)
    alice_before = alice_rows()
    status, _payload, raw, _headers = call_as(
        block, key, world, extra_query=f"{ALICE_QUERY}&number={world.alice_number}")
    # 403: mallory has not finished, so she can't claim; 404: the sample's final-assessment draw is not hers.
    assert status in (200, 403) or (key == ("elsx_final", "submit") and status == 404), (status, raw[:300])
    assert world.leaks(raw) == []
    assert alice_rows() == alice_before


def alice_rows():
    state = snapshot()
    return {name: [row for row in rows if row.get("learner_id") == ALICE] for name, rows in state.items()}


@pytest.mark.parametrize("number_form", ["canonical", "display", "lower"])
def test_someone_elses_certificate_number_downloads_nothing(make_block, world, number_form):
    from elsx.certificates import numbers
    number = {"canonical": world.alice_number, "display": numbers.display(world.alice_number),
              "lower": numbers.display(world.alice_number).lower()}[number_form]
    block = make_block(inventory.BLOCK_XML["elsx_certificate"], MALLORY)
    for query in (f"number={number}", f"number={number}&{ALICE_QUERY}", f"{ALICE_QUERY}"):
        status, payload, raw, headers = raw_call(block, "download", method="GET", query=query)
        assert status in (403, 404), (query, status)
        assert not raw.startswith(b"%PDF") and world.leaks(raw) == []
    # The same number works for its owner: the refusals above are about who asks.
    status, _payload, raw, _headers = raw_call(as_user(block, ALICE), "download", method="GET",
                                               query=f"number={number}")
    assert status == 200 and raw.startswith(b"%PDF")


@pytest.mark.parametrize("xml_key", ["elsx_topic", "elsx_progress", "elsx_certificate", "elsx_cohort"])
def test_pages_for_another_learner_show_nothing_of_alice(make_block, world, xml_key):
    html = render(make_block(inventory.BLOCK_XML[xml_key], MALLORY))
    assert world.leaks(html) == []
    # ...and alice's own page does show her data, so the check above can fail.
    if xml_key in ("elsx_topic", "elsx_certificate"):
        assert world.leaks(render(make_block(inventory.BLOCK_XML[xml_key], ALICE)))


def test_public_views_show_only_the_public_record(client, world):
    from elsx.certificates import numbers
    from tests.hostile.conftest import ALICE_AGENCY, ALICE_EMAIL, ALICE_LEGAL, ALICE_REFLECTION, ALICE_STATE_ID
    display = numbers.display(world.alice_number)
    for url in (f"/elsx/verify/{display}", f"/elsx/verify/{display}.json", f"/elsx/verify/?number={display}",
                f"/elsx/verify/{display}.vc.json", f"/elsx/v/{world.alice_number}"):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        # The public record names the holder, and the agency as printed on the certificate (issue 15)...
        assert ALICE_LEGAL in text and ALICE_AGENCY in text
        for private in (ALICE_EMAIL, ALICE_STATE_ID, ALICE_REFLECTION):
            assert private not in text  # ...and nothing else about them
