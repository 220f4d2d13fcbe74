"""Certificate numbers: entropy, grouping, forgiving lookup, and mistypes caught by the check character."""
import pytest

from elsx.certificates import numbers


def test_generated_numbers_have_at_least_80_random_bits_and_a_valid_check():
    assert numbers.RANDOM_BITS >= 80
    seen = {numbers.generate() for _ in range(2000)}
    assert len(seen) == 2000
    for number in list(seen)[:200]:
        assert len(number) == numbers.LENGTH
        assert set(number) <= set(numbers.ALPHABET)
        assert numbers.normalize(number) == number


def test_display_groups_in_fours_and_normalizes_back():
    number = numbers.generate()
    shown = numbers.display(number)
    assert shown.count("-") == 4 and all(len(group) == 4 for group in shown.split("-"))
    assert numbers.normalize(shown) == number
    assert numbers.normalize(shown.lower()) == number
    assert numbers.normalize("  " + shown.replace("-", " ") + " ") == number


def test_crockford_aliases_read_as_digits():
    body = "0110" + "A" * 15
    number = body + numbers.check_character(body)
    typed = "oIL0" + number[4:]
    assert numbers.normalize(typed) == number
    assert numbers.normalize(typed.lower()) == number


@pytest.mark.parametrize("text", ["", "ABCD", "U" * 20, "!" * 20, None, 12345, "A" * 21])
def test_malformed_numbers_are_refused(text):
    with pytest.raises(numbers.InvalidNumber):
        numbers.normalize(text)


def test_every_single_character_mistype_is_detected():
    for _ in range(20):
        number = numbers.generate()
        for index, original in enumerate(number):
            for replacement in numbers.ALPHABET:
                if replacement != original:
                    typo = number[:index] + replacement + number[index + 1:]
                    assert not numbers.is_valid(typo), (number, typo)


def test_swapped_neighbours_are_detected_except_luhns_blind_pair():
    for _ in range(50):
        number = numbers.generate()
        for index in range(len(number) - 1):
            a, b = number[index], number[index + 1]
            if a == b or {a, b} == {"0", "Z"}:
                continue
            swapped = number[:index] + b + a + number[index + 2:]
            assert not numbers.is_valid(swapped), (number, swapped)


# Known answers: issued numbers must keep verifying, so any change to the check formula fails here.
# Worked by hand for ZZZ...: every Z adds 31 whether doubled (62 -> 1 + 30) or not; 19 * 31 = 589,
# 589 % 32 = 13, and 32 - 13 = 19, the alphabet's K.
KNOWN = [
    ("0000000000000000000", "0"),
    ("0000000000000000001", "Y"),
    ("1000000000000000000", "Y"),  # 19 characters: the first is doubled like the last
    ("0100000000000000000", "Z"),
    ("7K3M9QX2HB4TZP8RW6N", "8"),
    ("ZZZZZZZZZZZZZZZZZZZ", "K"),
    ("0123456789ABCDEFGHJ", "S"),
    ("KMNPQRSTVWXYZ012345", "D"),
]


@pytest.mark.parametrize("body, check", KNOWN)
def test_check_character_known_answers(body, check):
    assert numbers.check_character(body) == check
    assert numbers.normalize(body + check) == body + check
    assert numbers.is_valid(body + check) is True


def test_a_known_number_displays_and_reads_back():
    assert numbers.display("7K3M9QX2HB4TZP8RW6N8") == "7K3M-9QX2-HB4T-ZP8R-W6N8"
    assert numbers.normalize("7k3m-9qx2-hb4t-zp8r-w6n8") == "7K3M9QX2HB4TZP8RW6N8"
    assert numbers.normalize("\n7K3M 9QX2\u2013HB4T_ZP8R.W6N8\r\n") == "7K3M9QX2HB4TZP8RW6N8"
    assert numbers.is_valid("7K3M9QX2HB4TZP8RW6N9") is False


def test_the_format_is_fixed():
    assert (numbers.RANDOM_LENGTH, numbers.LENGTH, numbers.GROUP, numbers.RANDOM_BITS) == (19, 20, 4, 95)
    assert numbers.ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@pytest.mark.parametrize("text, message", [
    (None, "not text"), ("ABCD", "wrong length"), ("U" * 20, "character outside the alphabet"),
    ("7K3M9QX2HB4TZP8RW6N9", "check character does not match"),
])
def test_each_refusal_says_why(text, message):
    with pytest.raises(numbers.InvalidNumber, match=f"^{message}$"):
        numbers.normalize(text)
