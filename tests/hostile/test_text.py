"""The one text cleaner (elsx.validation.clean_text): what it refuses, by name, and what scripts keep."""
import unicodedata

import pytest

from elsx.errors import InvalidInput
from elsx.validation import clean_text


def clean(value, multiline=False):
    return clean_text(value, "legal_name", "Legal name", 1, 200, multiline=multiline)


REFUSED = {
    "zero-width joiners only": ("\u200d\u200d\u200d", "U+200D ZERO WIDTH JOINER"),
    "zero-width space only": ("\u200b", "U+200B ZERO WIDTH SPACE"),
    "BOM": ("\ufeffDana", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    "tag characters": ("Dana\U000e0041\U000e0042", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    "soft hyphen": ("Da\u00adna", "U+00AD SOFT HYPHEN"),
    "word joiner": ("Da\u2060na", "U+2060 WORD JOINER"),
    "Mongolian vowel separator": ("\u180eDana", "U+180E MONGOLIAN VOWEL SEPARATOR"),
    "right-to-left override": ("\u202eGNIRTS", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "left-to-right embedding": ("a\u202ab", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    "isolate": ("a\u2067b\u2069", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    "RLM": ("Dana\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    "Arabic letter mark": ("\u061cDana", "U+061C ARABIC LETTER MARK"),
    "line separator": ("Dana\u2028Smith", "U+2028 LINE SEPARATOR"),
    "paragraph separator": ("Dana\u2029Smith", "U+2029 PARAGRAPH SEPARATOR"),
    "private use": ("Dana\ue000", "U+E000"),
    "supplementary private use": ("Dana\U000f0000", "U+F0000"),
    "unassigned": ("Dana\U0001fffe", "U+1FFFE"),
    "noncharacter": ("Dana\ufffe", "U+FFFE"),
    "Hangul filler": ("\u3164", "U+3164 HANGUL FILLER"),
    "blank Braille": ("\u2800\u2800", "U+2800 BRAILLE PATTERN BLANK"),
    "ZWNJ at the start": ("\u200cDana", "U+200C ZERO WIDTH NON-JOINER"),
    "ZWJ between a letter and a space": ("Dana\u200d Smith", "U+200D ZERO WIDTH JOINER"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_invisible_and_direction_characters_are_refused_by_name(name):
    value, named = REFUSED[name]
    with pytest.raises(InvalidInput) as raised:
        clean(value)
    assert raised.value.field == "legal_name"
    assert named in raised.value.message, raised.value.message


@pytest.mark.parametrize("value", ["\u0301\u0301", "...", "- -", "\u00a0\u3000", "\u20dd"])
def test_a_value_with_no_letter_or_digit_is_refused(value):
    with pytest.raises(InvalidInput) as raised:
        clean(value)
    assert "letter" in raised.value.message or "required" in raised.value.message


@pytest.mark.parametrize("value", [
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian می‌خواهم: ZWNJ between letters
    "\u0646\u0627\u0645\u200c\u0647\u0627",  # Persian نام‌ها
    "\u0915\u094d\u200d\u0937",  # Hindi क्‍ष: ZWJ after the virama
    "\u0d05\u0d35\u0d28\u0d4d\u200d",  # Malayalam അവന്‍: an old-style chillu, ZWJ at the end after the virama
    "\u0cb0\u0ccd\u200d\u0c95",  # Kannada: ZWJ in a conjunct
    "Nguyễn Thị Minh Khai", "王小明", "Łódź Ærø", "O'Brien-Smith", "Dana María Okonkwo-Sánchez",
])
def test_scripts_keep_their_joiners_and_letters(value):
    assert clean(value) == unicodedata.normalize("NFC", value)


def test_text_is_stored_in_nfc():
    decomposed = "Jose\u0301 Mun\u0303oz"
    assert clean(decomposed) == "José Muñoz" and len(clean(decomposed)) == 10


def test_multiline_keeps_line_breaks_but_not_separators():
    assert clean("one\r\ntwo\rthree\tfour", multiline=True) == "one\ntwo\nthree\tfour"
    with pytest.raises(InvalidInput):
        clean("one\u2028two", multiline=True)


def test_emoji_sequences_keep_their_joiner():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(f"Our team {family}", multiline=True).endswith(family)


# --- where the cleaner is used, and how learner text is displayed ----------------

@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u200b", "\u200d\u200d", "\u202eGNIRTS", "\u3164"])
def test_a_staff_reissue_refuses_an_invisible_or_reordering_name(make_block, world, name):
    from tests.hostile.conftest import certificate_action, snapshot, staff_block
    staff = staff_block(make_block)
    before = snapshot()
    status, payload, _raw, _headers = certificate_action(staff, "reissue", world.alice_number, legal_name=name)
    assert (status, payload["field"]) == (400, "legal_name")
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u200d\u200d\u200d", "\u202eGNIRTS"])
def test_a_claim_refuses_a_name_that_prints_as_nothing_or_reversed(make_block, world, name):
    from tests.hostile.conftest import CAROL, json_call
    block = make_block("<elsx_certificate/>", CAROL)
    status, payload, _raw, _headers = json_call(block, "claim", {"legal_name": name, "agency": "Metro PD",
                                                                 "role": "other"})
    assert (status, payload["field"]) == (400, "legal_name")


@pytest.mark.django_db
def test_learner_text_in_the_dashboard_is_bidi_isolated(make_block):
    from tests.cohort_helpers import STAFF, add_learner, cohort_xml
    from tests.conftest import call
    add_learner("rtl", full_name="\u05e9\u05e8\u05d4 \u05db\u05d4\u05df 2", agency="\u0634\u0631\u0637\u0629 Metro",
                email="sara@example.org")
    block = make_block(cohort_xml(), STAFF)
    _status, body = call(block, "grid", {})
    html = body["grid_html"]
    assert "<bdi>\u05e9\u05e8\u05d4 \u05db\u05d4\u05df 2</bdi>" in html
    assert "<bdi>\u0634\u0631\u0637\u0629 Metro</bdi>" in html and "<bdi>sara@example.org</bdi>" in html
    detail = call(block, "learner", {"learner_id": "rtl"})[1]["html"]
    assert "<bdi>\u05e9\u05e8\u05d4 \u05db\u05d4\u05df 2</bdi>" in detail
    assert "<bdi>\u0634\u0631\u0637\u0629 Metro</bdi>" in detail


def test_the_pdf_isolates_learner_text():
    from elsx.resources import certificate_assets_dir
    css = (certificate_assets_dir() / "certificate.css").read_text(encoding="utf-8")
    html = (certificate_assets_dir() / "certificate.html").read_text(encoding="utf-8")
    assert '[dir="auto"] { unicode-bidi: isolate; }' in css
    for field in ("cert.legal_name", "cert.agency", "cert.state_training_id"):
        opening = html[:html.index("{{ " + field + " }}")].rsplit("<", 1)[1]
        assert 'dir="auto"' in opening, field
