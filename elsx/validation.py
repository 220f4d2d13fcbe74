"""Checks for text and numbers a learner or instructor sends: the one place requests are parsed."""
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from elsx.errors import InvalidInput


# Bidi embeddings, overrides and isolates, and the marks: text stored one way and printed another.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: Persian and Indic spelling needs them
# Letters by category that print as nothing (Hangul fillers) and the blank Braille pattern.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def describe(char):
    """U+200B ZERO WIDTH SPACE: how a message names a character nobody can see."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()


def _joins(char):
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("So", "Sk")  # letters, marks; emoji sequences


def _joins_letters(value, index):
    """A ZWJ/ZWNJ between letters or marks (Persian می‌خواهم, Hindi क्‍ष), or after a virama (Malayalam ന്‍)."""
    if index == 0:
        return False
    before = value[index - 1]
    if unicodedata.combining(before) == 9:  # a virama: the joiner shapes the conjunct or chillu before it
        return True
    return index < len(value) - 1 and _joins(before) and _joins(value[index + 1])


def _problem(value, multiline):
    """The message template for the first character that must not be stored, and that character."""
    allowed = {"\n", "\t"} if multiline else set()
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if char in allowed:
            continue
        if category in ("Cc", "Cs"):
            return _("{label} contains control characters."), char
        if char in BIDI_CONTROLS:
            return _("{label} contains a text-direction control ({char}); remove it."), char
        if char in ZERO_WIDTH_JOINERS and _joins_letters(value, index):
            continue
        if category == "Cf" or char in INVISIBLE_LETTERS:
            return _("{label} contains an invisible character ({char}); remove it."), char
        if category in ("Zl", "Zp"):
            return _("{label} contains a line or paragraph separator ({char}); use an ordinary line break "
                     "or a space."), char
        if category == "Co":
            return _("{label} contains a private-use character ({char}) that has no standard meaning."), char
        if category == "Cn":
            return _("{label} contains a character that Unicode does not assign ({char})."), char
    return None, None


def clean_text(value, field, label, min_length=0, max_length=200, multiline=False, required=True):
    """The one cleaner for free text that prints: NFC, stripped; or InvalidInput naming the field and problem.

    Refused: control, format (Cf), separator (Zl, Zp), private-use (Co) and
    unassigned (Cn) characters and bidi controls; ZWJ/ZWNJ between letters
    stay. A value with no letter or digit (only marks, punctuation or spaces)
    is refused too: it would print as nothing, or nothing a reader could use.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("{label} must be text.").format(label=label), field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(_("{label} contains characters that are not valid text.").format(label=label),
                           field=field) from None
    if len(value) > 4 * max_length + 64:  # don't normalize a megabyte to say it's too long
        raise InvalidInput(
            _("{label} must be between {min} and {max} characters; it has {length}.").format(
                label=label, min=min_length, max=max_length, length=len(value)),
            field=field, min_length=min_length, max_length=max_length)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = unicodedata.normalize("NFC", value)
    message, char = _problem(value, multiline)
    if message:
        raise InvalidInput(message.format(label=label, char=describe(char)), field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("{label} is required.").format(label=label), field=field)
    if value and not any(unicodedata.category(char)[0] in "LN" for char in value):
        raise InvalidInput(_("{label} must contain at least one letter or digit.").format(label=label), field=field)
    length = len(value)
    if value and (length < min_length or length > max_length):
        raise InvalidInput(
            _("{label} must be between {min} and {max} characters; it has {length}.").format(
                label=label, min=min_length, max=max_length, length=length),
            field=field, min_length=min_length, max_length=max_length,
        )
    return value


def require_keys(data, allowed, required=()):
    """Refuse unknown or missing keys in a JSON object, naming them."""
    if not isinstance(data, dict):
        raise InvalidInput(_("The request body must be a JSON object."))
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InvalidInput(_("Unknown field(s): {names}. Allowed: {allowed}.").format(
            names=", ".join(unknown), allowed=", ".join(sorted(allowed))))
    missing = [key for key in required if key not in data]
    if missing:
        raise InvalidInput(_("Missing field(s): {names}.").format(names=", ".join(missing)))


# Every number in a request goes through parse_int or parse_decimal. str.isdigit() is true for "²" and
# "٣", which int() then refuses or reads; int() of over 4,300 digits raises. ASCII only, and short.
MAX_DIGITS = 12
_ASCII_INT = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS)
_ASCII_DECIMAL = re.compile(r"[0-9]{1,%d}(\.[0-9]{1,%d})?" % (MAX_DIGITS, MAX_DIGITS))
_ASCII_SPACE = " \t\r\n"


def _number_error(label, field, low, high):
    return InvalidInput(_("{label} must be a whole number from {low} to {high}.").format(
        label=label, low=low, high=high), field=field, min=low, max=high)


def parse_int(value, field, label, low, high):
    """A JSON integer or a string of ASCII digits, within [low, high]; InvalidInput (400) otherwise."""
    if isinstance(value, str):
        text = value.strip(_ASCII_SPACE)
        if not _ASCII_INT.fullmatch(text):
            raise _number_error(label, field, low, high)
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _number_error(label, field, low, high)
    return value


def parse_decimal(value, field, message):
    """A positive JSON number or ASCII decimal string ("1.5") as a finite Decimal; InvalidInput(message)."""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value)
    if isinstance(value, str):
        text = value.strip(_ASCII_SPACE)
        if _ASCII_DECIMAL.fullmatch(text):
            return Decimal(text)
    raise InvalidInput(message, field=field)
