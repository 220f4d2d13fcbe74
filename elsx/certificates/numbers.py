"""Certificate numbers: 95 random bits in Crockford Base32, plus a check character.

A number reads as five groups of four, e.g. 7K3M-9QX2-HB4T-ZP8R-W6NC: nineteen
random characters (95 bits from `secrets`) and a Luhn mod-32 check character
at the end, which catches every single mistyped character and every swap of
two neighbours except 0 and Z (Luhn's one blind pair). Lookup is
case-insensitive and forgiving the way Crockford intended: I and L read as
1, O as 0, and spaces or dashes are ignored.
"""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", " -_.\u2010\u2011\u2012\u2013\u2014\t")
RANDOM_LENGTH = 19
LENGTH = RANDOM_LENGTH + 1
GROUP = 4
RANDOM_BITS = RANDOM_LENGTH * 5


NOT_TEXT = "not text"
WRONG_LENGTH = "wrong length"
BAD_CHARACTER = "character outside the alphabet"
CHECK_FAILED = "check character does not match"


class InvalidNumber(ValueError):
    """Not a certificate number: wrong length, a character outside the alphabet, or a failed check.

    reason is one of the constants above and canonical the text as far as it was normalized, so the
    lookup form can say what is wrong with what the person typed.
    """

    def __init__(self, reason, canonical=""):
        super().__init__(reason)
        self.reason = reason
        self.canonical = canonical


def check_character(body):
    """The Luhn mod-32 check character for body (canonical characters only)."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * _VALUE[char]
        addend = addend // 32 + addend % 32
        total += addend
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def generate():
    """A new canonical number (no separators)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def normalize(text):
    """The canonical form of text a person typed, or InvalidNumber."""
    if not isinstance(text, str):
        raise InvalidNumber(NOT_TEXT)
    canonical = text.strip().upper().translate(_SEPARATORS).translate(_ALIASES)
    if len(canonical) != LENGTH:
        raise InvalidNumber(WRONG_LENGTH, canonical)
    if any(char not in _VALUE for char in canonical):
        raise InvalidNumber(BAD_CHARACTER, canonical)
    if check_character(canonical[:-1]) != canonical[-1]:
        raise InvalidNumber(CHECK_FAILED, canonical)
    return canonical


def is_valid(text):
    try:
        normalize(text)
    except InvalidNumber:
        return False
    return True


def display(canonical):
    """Grouped for reading: XXXX-XXXX-XXXX-XXXX-XXXX."""
    return "-".join(canonical[i:i + GROUP] for i in range(0, len(canonical), GROUP))
