"""Malformed input for every JSON handler: each gets a 4xx with a clear message and changes nothing."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import inventory
from tests.hostile.conftest import CAROL, MALLORY, STAFF, file_digests, raw_call, snapshot
from tests.hostile.inventory import AUTHORING, DOWNLOADS, LEARNER, STAFF_ONLY

pytestmark = pytest.mark.django_db

JSON_HANDLERS = inventory.json_handlers_with(LEARNER, STAFF_ONLY, AUTHORING)
REQUIRED = {
    ("elsx_topic", "view_section"): {"section"},
    ("elsx_topic", "submit_check"): {"answers"},
    ("elsx_topic", "save_reflection"): {"text"},
    ("elsx_certificate", "claim"): {"legal_name", "agency", "role"},
    ("elsx_cohort", "learner"): {"learner_id"},
    ("elsx_cohort", "revoke_certificate"): {"learner_id", "number", "reason"},
    # learner_id, number, and at least one correction
    ("elsx_cohort", "reissue_certificate"): {"learner_id", "number", "legal_name"},
    ("elsx_cohort", "reinstate_certificate"): {"learner_id", "number", "reason"},
    ("elsx_cohort", "export"): {"kind"},
    ("elsx_cohort", "export_status"): {"job"},
    ("elsx_cohort", "submit_studio_edits"): {"values"},
    ("elsx_cohort", "review_detail"): {"submission"},
    ("elsx_cohort", "review_decide"): {"submission", "verdict", "rubric"},
    ("elsx_final", "submit"): {"draw_id", "answers"},
    ("elsx_final", "grant_attempt"): {"learner_id", "reason"},
    ("elsx_evaluation", "submit"): {"ratings"},
    ("elsx_readiness", "link"): {"agency", "kind"},
    ("elsx_readiness", "suggest"): {"agency"},
    ("elsx_readiness", "attest"): {"criterion", "evidence"},
    ("elsx_readiness", "review"): {"agency", "criterion", "version", "accept"},
    ("elsx_readiness", "merge"): {"keep", "drop"},
    ("elsx_readiness", "membership"): {"agency", "member_since"},
    ("elsx_topic", "choose_scenario"): {"scenario", "stage", "choice"},
    ("elsx_capstone", "save_plan"): {"readiness", "goals", "communication"},
    ("elsx_capstone", "submit_plan"): {"readiness", "goals", "communication"},
}
# Fields that take a number, for NaN and infinities.
NUMERIC = {
    ("elsx_topic", "studio_submit"): ("pass_mark", "week"),
    ("elsx_cohort", "grid"): ("page", "page_size"),
    ("elsx_cohort", "refresh"): ("page", "page_size"),
    ("elsx_cohort", "emails"): ("page",),
    ("elsx_cohort", "export_status"): ("job",),
    ("elsx_cohort", "review_detail"): ("submission",),
    ("elsx_cohort", "review_decide"): ("submission",),
    ("elsx_readiness", "review"): ("agency", "version"),
    ("elsx_readiness", "merge"): ("keep", "drop"),
    ("elsx_readiness", "agencies"): ("page",),
}
WRONG_TYPES = [12345, 1.5, True, [], ["x"], {}, {"a": "b"}]
BAD_STRINGS = {"nul": "ab\x00cd", "lone-high-surrogate": "x\ud800y", "lone-low-surrogate": "\udfff",
               "60kB": "A" * 60_000, "1MB": "A" * 1_000_000}


def actor(key):
    policy = inventory.HANDLERS[key]
    if policy in (STAFF_ONLY, AUTHORING):
        return STAFF
    return CAROL if key == ("elsx_certificate", "claim") else MALLORY


@pytest.fixture
def attempt(make_block, world, media):
    """attempt(key, raw body, method) -> (status, payload); asserts the refusal changed nothing."""
    blocks = {}

    def run(key, body, method="POST", expect_4xx=True):
        if key not in blocks:
            blocks[key] = make_block(inventory.BLOCK_XML[key[0]], actor(key))
        before, files = snapshot(), file_digests(media)
        status, payload, raw, headers = raw_call(blocks[key], key[1], body, method=method)
        assert status < 500, (status, raw[:300])
        if expect_4xx:
            assert 400 <= status < 500, (key, body[:120], status, raw[:300])
            assert isinstance(payload, dict) and isinstance(payload.get("error"), str) \
                and payload["error"].strip(), raw[:300]
            assert snapshot() == before, f"{key} changed stored state on a {status}"
            assert file_digests(media) == files
        return status, payload, headers
    return run


def sample(key, world):
    return inventory.sample_request(key, world.alice_number)[0]


def encode(data):
    return json.dumps(data).encode("utf-8")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("key", JSON_HANDLERS, ids=inventory.ident)
def test_wrong_method_is_405(attempt, world, key, method):
    status, _payload, headers = attempt(key, encode(sample(key, world)), method=method)
    assert status == 405 and headers["Allow"] == "POST"


INVALID_JSON = {"empty": b"", "truncated": b'{"a": ', "trailing-comma": b'{"a": 1,}', "not-json": b"hello",
                "latin-1": b'{"a": "\xe9"}', "utf-16": '{"a": 1}'.encode("utf-16"), "single-quotes": b"{'a': 1}",
                "deep": b"[" * 50_000, "oversized": b'{"a": "' + b"A" * 70_000 + b'"}'}
NOT_OBJECTS = {"array": b"[]", "list": b'[{"a": 1}]', "number": b"42", "string": b'"text"', "null": b"null",
               "true": b"true"}


@pytest.mark.parametrize("body", list(INVALID_JSON) + list(NOT_OBJECTS))
@pytest.mark.parametrize("key", JSON_HANDLERS, ids=inventory.ident)
def test_bodies_that_are_not_a_json_object_are_400(attempt, key, body):
    status, _payload, _headers = attempt(key, {**INVALID_JSON, **NOT_OBJECTS}[body])
    assert status == 400


@pytest.mark.parametrize("key", JSON_HANDLERS, ids=inventory.ident)
def test_an_extra_key_is_400_naming_it(attempt, world, key):
    status, payload, _headers = attempt(key, encode(dict(sample(key, world), zz_extra="1")))
    assert status == 400 and "zz_extra" in payload["error"], payload


@pytest.mark.parametrize("key", sorted(REQUIRED), ids=inventory.ident)
def test_missing_required_keys_are_4xx(attempt, world, key):
    body = sample(key, world)
    attempt(key, encode({}))
    for name in REQUIRED[key]:
        attempt(key, encode({k: v for k, v in body.items() if k != name}))


def typed_fields(key, world):
    """(path, body) for every field of the sample body, nested one level for dict values."""
    body = sample(key, world)
    for name, value in body.items():
        yield name, body, None
        if isinstance(value, dict):
            for inner in value:
                yield name, body, inner


def replaced(body, name, inner, value):
    body = json.loads(json.dumps(body))
    if inner is None:
        body[name] = value
    else:
        body[name][inner] = value
    return body


@pytest.mark.parametrize("key", [k for k in JSON_HANDLERS if k in dict(inventory.HANDLERS) and k not in
                                 {("elsx_progress", "refresh"), ("elsx_cohort", "refresh"),
                                  ("elsx_cohort", "emails"), ("elsx_cohort", "agencies"),
                                  ("elsx_cohort", "issue_certificates"), ("elsx_cohort", "issue_preview"),
                                  ("elsx_final", "start"),
    ("elsx_capstone", "withdraw_plan")}], ids=inventory.ident)
def test_wrong_types_are_4xx(attempt, world, key):
    tried = 0
    for name, body, inner in typed_fields(key, world):
        original = body[name] if inner is None else body[name][inner]
        for wrong in WRONG_TYPES:
            if type(wrong) is type(original):  # noqa: E721 - the same JSON type is not a wrong type
                continue
            if key == ("elsx_cohort", "grid") and isinstance(wrong, int) and not isinstance(wrong, bool):
                continue
            attempt(key, encode(replaced(body, name, inner, wrong)))
            tried += 1
    assert tried


@pytest.mark.parametrize("bad", list(BAD_STRINGS))
@pytest.mark.parametrize("key", [k for k in JSON_HANDLERS if k not in {
    ("elsx_progress", "refresh"), ("elsx_cohort", "refresh"), ("elsx_cohort", "emails"),
    ("elsx_cohort", "agencies"), ("elsx_cohort", "issue_certificates"), ("elsx_cohort", "issue_preview"),
    ("elsx_capstone", "withdraw_plan")}], ids=inventory.ident)
def test_huge_strings_nul_bytes_and_lone_surrogates_are_4xx(attempt, world, key, bad):
    tried = 0
    for name, body, inner in typed_fields(key, world):
        original = body[name] if inner is None else body[name][inner]
        if isinstance(original, str):
            attempt(key, encode(replaced(body, name, inner, BAD_STRINGS[bad])))
            tried += 1
    # A key made of the bad string is an unknown key.
    if bad != "1MB":
        attempt(key, encode(dict(sample(key, world), **{BAD_STRINGS[bad][:100]: "x"})))
    assert tried or key in {("elsx_cohort", "submit_studio_edits"), ("elsx_cohort", "export_status"),
                            ("elsx_readiness", "merge"), ("elsx_cohort", "review_detail"), ("elsx_final", "start")}


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999", b"1" * 5000])
@pytest.mark.parametrize("key", sorted(NUMERIC), ids=inventory.ident)
def test_nan_and_infinities_where_numbers_belong_are_4xx(attempt, key, literal):
    for name in NUMERIC[key]:
        attempt(key, b'{"' + name.encode() + b'": ' + literal + b"}")


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
@pytest.mark.parametrize("key", JSON_HANDLERS, ids=inventory.ident)
def test_nan_and_infinity_anywhere_are_400(attempt, key, literal):
    attempt(key, b'{"x": [' + literal + b"]}")


# --- the two GET downloads take a query string -----------------------------------

BAD_QUERIES = {
    ("elsx_certificate", "download"): ["number=%00", "number=%ED%A0%80", "number=" + "A" * 100_000,
                                       "number=AAAA-AAAA-AAAA-AAAA-AAAA", "number[]=x"],
    ("elsx_cohort", "download"): ["kind=evil", "kind=roster&search=%ff%fe", "job=%ED%A0%80", "kind=credit&profile=../../../etc/passwd", "job=abc", "job=-1",
                                  "job=99999999999999999999999999", "kind=roster&page=NaN",
                                  "kind=roster&search=%00", "kind=roster&page_size=1e999", "kind=roster&zz=1",
                                  "kind=roster&search=" + "A" * 100_000, "kind=roster&page=%C2%B2",
                                  "job=%C2%B2", "job=%D9%A1", "kind=roster&page_size=" + "1" * 5000,
                                  "", "token=", "token=%00", "token=%ED%A0%80", "token=" + "A" * 43,
                                  "token=" + "A" * 100_000, "token[]=x", "token=x&kind=roster"],
    ("elsx_readiness", "summary"): ["agency=%00", "agency=%ED%A0%80", "agency=%C2%B2", "agency=" + "9" * 5000,
                                    "agency=-1", "zz=1"],
    ("elsx_readiness", "export"): ["zz=1", "state=%ED%A0%80"],
    ("elsx_readiness", "policy_document"): ["agency=1", "agency=%00", "agency=%ED%A0%80", "file=../../etc/passwd",
                                            "zz=1"],
    ("elsx_capstone", "download"): ["learner=alice", "zz=1", "x=%ED%A0%80"],
    **{key: ["zz=1", "learner_id=bob", "x=%ED%A0%80"] for key in inventory.GET_JSON},
    ("elsx_cohort", "training_file"): ["zz=1", "course=other", "x=%ED%A0%80", "a=" + "A" * 100_000],
    ("elsx_evaluation", "export"): ["zz=1", "x=%ED%A0%80", "learner=alice"],
}


@pytest.mark.parametrize("key", sorted(DOWNLOADS), ids=inventory.ident)
def test_downloads_refuse_bad_query_strings(make_block, world, media, key):
    user = STAFF if inventory.HANDLERS[key] == STAFF_ONLY else MALLORY
    block = make_block(inventory.BLOCK_XML[key[0]], user)
    before = snapshot()
    for query in BAD_QUERIES[key]:
        status, payload, raw, _headers = raw_call(block, key[1], method="GET", query=query)
        assert 400 <= status < 500, (query[:80], status, raw[:200])
        assert payload["error"].strip()
    for method in ("POST", "PUT", "DELETE"):
        status, payload, _raw, headers = raw_call(block, key[1], b"{}", method=method)
        assert status == 405 and payload["error"] and "GET" in headers["Allow"]
    assert snapshot() == before


# --- Hypothesis: the knowledge check, the reflection and the claim ---------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec=None, blacklist_categories=()), max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=300)
HYPOTHESIS = settings(max_examples=60, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def fuzz(attempt, key, body):
    """Never a 500; a refusal has a message and changed nothing (attempt checks both)."""
    data = encode(body) if not isinstance(body, bytes) else body
    status, payload, _headers = attempt(key, data, expect_4xx=False)
    if status >= 400:
        attempt(key, data)  # again, now holding it to the 4xx rules


def answers_strategy():
    from elsx.curriculum import get_curriculum
    topic = get_curriculum().topic("vulnerable-populations")
    question_ids = st.sampled_from([q.id for q in topic.questions]) | st.text(max_size=12)
    option_ids = st.sampled_from(sorted({o.id for q in topic.questions for o in q.options})) | JSON_VALUES
    return st.dictionaries(question_ids, option_ids, max_size=len(topic.questions) + 2) | JSON_VALUES


@HYPOTHESIS
@given(body=st.fixed_dictionaries({"answers": answers_strategy()}) | st.dictionaries(st.text(max_size=10),
                                                                                       JSON_VALUES, max_size=3)
       | st.binary(max_size=200))
def test_fuzzed_knowledge_checks_never_fail_the_server(attempt, body):
    fuzz(attempt, ("elsx_topic", "submit_check"), body)


@HYPOTHESIS
@given(body=st.fixed_dictionaries({"text": ANY_TEXT | JSON_VALUES}) | st.dictionaries(
    st.sampled_from(["text", "reflection", "learner_id"]), ANY_TEXT | JSON_VALUES, max_size=2)
    | st.binary(max_size=200))
def test_fuzzed_reflections_never_fail_the_server(attempt, body):
    fuzz(attempt, ("elsx_topic", "save_reflection"), body)


CLAIM_VALUE = ANY_TEXT | JSON_VALUES | st.sampled_from(["le_executive", "psap", "other", "Dana Okonkwo",
                                                         "Metro PD", "CA"])


@HYPOTHESIS
@given(body=st.dictionaries(st.sampled_from(["legal_name", "agency", "role", "state_training_id", "state",
                                              "learner_id", "number"]), CLAIM_VALUE, max_size=6)
       | st.binary(max_size=200))
def test_fuzzed_claims_never_fail_the_server(attempt, body):
    fuzz(attempt, ("elsx_certificate", "claim"), body)


# --- numbers: one parser (elsx.validation.parse_int), ASCII digits only -------------

# str.isdigit() is true for all of these but the first two; int() refuses or misreads the rest.
HOSTILE_DIGITS = ["²", "³⁴", "١٢", "１２", "߁", "𝟏𝟐", "1²", "1" * 5000, "9" * 13, "+1", "-1", "1_0", "0x1", "1.0",
                  "1e3", "\u00a01", "1\u200b"]
NUMBER_FIELDS = {
    ("elsx_topic", "studio_submit"): ("pass_mark", "week"),
    ("elsx_cohort", "grid"): ("page", "page_size"),
    ("elsx_cohort", "refresh"): ("page", "page_size"),
    ("elsx_cohort", "emails"): ("page", "page_size"),
    ("elsx_cohort", "export_status"): ("job",),
    ("elsx_readiness", "agencies"): ("page",),
}


@pytest.mark.parametrize("value", HOSTILE_DIGITS, ids=lambda value: repr(value)[:12])
@pytest.mark.parametrize("key", sorted(NUMBER_FIELDS), ids=inventory.ident)
def test_non_ascii_and_huge_digit_strings_are_400_naming_the_field(attempt, key, value):
    for name in NUMBER_FIELDS[key]:
        status, payload, _headers = attempt(key, encode({name: value}))
        assert (status, payload.get("field")) == (400, name), payload


@pytest.mark.parametrize("value", HOSTILE_DIGITS, ids=lambda value: repr(value)[:12])
def test_the_roster_export_refuses_hostile_digits_in_its_grid(attempt, value):
    status, payload, _headers = attempt(("elsx_cohort", "export"), encode({"kind": "roster", "grid": {"page": value}}))
    assert (status, payload.get("field")) == (400, "page"), payload


@pytest.mark.parametrize("value", [v for v in HOSTILE_DIGITS if v != "1.0"], ids=lambda value: repr(value)[:12])
def test_studio_hours_refuse_non_ascii_digits(attempt, value):
    status, payload, _headers = attempt(("elsx_topic", "studio_submit"), encode({"hours": value}))
    assert (status, payload.get("field")) == (400, "hours"), payload


@pytest.mark.parametrize("value", ["2", " 2 ", 2])
def test_plain_ascii_numbers_still_work(attempt, value):
    status, payload, _headers = attempt(("elsx_cohort", "grid"), encode({"page": value}), expect_4xx=False)
    assert status == 200, payload


# --- Hypothesis: every handler, hostile Unicode and huge digit strings ---------------

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOSTILE_CHAR = (st.characters(categories=["Cf", "Zl", "Zp", "Co", "Cn"]) | st.sampled_from(BIDI)
                | st.characters(categories=["Nd", "No"]).filter(lambda char: not char.isascii()))
HOSTILE_TEXT = (
    st.text(HOSTILE_CHAR, min_size=1, max_size=8)
    | st.builds(lambda a, b, c: a + b + c, st.text(st.characters(categories=["L"]), max_size=6),
                st.text(HOSTILE_CHAR, min_size=1, max_size=3), st.text(st.characters(categories=["L"]), max_size=6))
    | st.integers(13, 6000).map(lambda length: "9" * length)  # past the parser's 12 and int()'s 4,300
    | st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)
    | st.sampled_from(["\u00b2", "9" * 4301, "1" * 13, "\u202eGNIRTS", "\u200b", "\u200d\u200d", "\ufeff=1"])
)
SWEEP = settings(max_examples=12, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def mutations(key, world):
    """(field path) choices for key: each field of its sample body (one level deep), or a new key."""
    body = sample(key, world)
    paths = [(name, inner) for name, _body, inner in typed_fields(key, world)] if body else []
    return body or {}, paths + [("page", None), ("page_size", None), ("week", None), ("pass_mark", None)]


@pytest.mark.parametrize("key", JSON_HANDLERS, ids=inventory.ident)
def test_hostile_unicode_and_digits_anywhere_never_fail_the_server(attempt, world, key):
    body, paths = mutations(key, world)

    @SWEEP
    @given(path=st.sampled_from(paths), value=HOSTILE_TEXT)
    def sweep(path, value):
        name, inner = path
        fuzz(attempt, key, replaced(body, name, inner, value))
    sweep()


@pytest.mark.parametrize("key", sorted(DOWNLOADS), ids=inventory.ident)
def test_hostile_query_values_never_fail_the_downloads(make_block, world, media, key):
    from urllib.parse import quote
    user = STAFF if inventory.HANDLERS[key] == STAFF_ONLY else MALLORY
    block = make_block(inventory.BLOCK_XML[key[0]], user)
    # Each GET handler's own parameter; the learner_state handlers take none, so any name is refused.
    name = {("elsx_certificate", "download"): "number", ("elsx_cohort", "download"): "token",
            ("elsx_readiness", "summary"): "agency", ("elsx_readiness", "export"): "state",
            ("elsx_readiness", "policy_document"): "agency"}.get(key, "x")

    @SWEEP
    @given(value=HOSTILE_TEXT)
    def sweep(value):
        before = snapshot()
        status, payload, raw, _headers = raw_call(block, key[1], method="GET",
                                                  query=f"{name}={quote(value[:20_000], safe='')}")
        assert 400 <= status < 500, (status, raw[:200])
        assert payload["error"].strip() and snapshot() == before
    sweep()
