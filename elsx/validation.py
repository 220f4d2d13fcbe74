"""Checks for text a learner or instructor types."""
import unicodedata

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
