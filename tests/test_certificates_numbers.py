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
