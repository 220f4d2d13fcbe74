"""Checks for text and numbers a learner or instructor sends: the one place requests are parsed."""
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from elsx.errors import InvalidInput


def clean_text(value, field, label, min_length=0, max_length=200, multiline=False, required=True):
    """Return value stripped, or raise InvalidInput naming the field and the limits."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("{label} must be text.").format(label=label), field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(_("{label} contains characters that are not valid text.").format(label=label),
                           field=field) from None
    allowed = {"\n", "\r", "\t"} if multiline else set()
    for char in value:
        if char not in allowed and unicodedata.category(char) in ("Cc", "Cs"):
            raise InvalidInput(_("{label} contains control characters.").format(label=label), field=field)
    value = value.strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if required and not value:
        raise InvalidInput(_("{label} is required.").format(label=label), field=field)
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
