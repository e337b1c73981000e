"""The readers of a whole number as typed: ASCII digits alone, up to a limit, None for anything
else and never an exception (str.isdigit took "²", which int() refuses, and 5,000 digits, which
int() refuses too: server errors in several places)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levelfield.core.numbers import ID_LIMIT, is_digits, read_id, read_number

NOT_NUMBERS = [
    "",
    " ",
    "²",  # str.isdigit: true; int(): ValueError
    "٣",  # str.isdigit: true; int(): 3
    "１２",  # full-width digits: int() reads 12
    "-1",
    "+1",
    "0x1",
    "1e3",
    "1.0",
    "1_000",
    " 12",
    "12 ",
    "1²",
    "9" * 5000,  # int(): ValueError past 4,300 digits
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_anything_but_ascii_digits_is_no_id(text):
    assert read_id(text) is None
    assert read_number(text, most=10) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        ("12345678901", 12345678901),
        (str(ID_LIMIT), ID_LIMIT),
        (str(ID_LIMIT + 1), None),
        ("0" + str(ID_LIMIT), None),  # more digits than any id has
        ("1" * 20, None),
    ],
)
def test_an_id_is_read_up_to_the_largest_a_64_bit_column_holds(text, expected):
    assert read_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("1000", 1000), ("1001", None), ("9999", None), ("01", 1), ("00001", None)],
)
def test_a_small_number_is_read_up_to_its_limit(text, expected):
    assert read_number(text, most=1000) == expected


def test_is_digits_is_ascii_digits_only():
    assert is_digits("0123456789")
    assert not any(is_digits(text) for text in NOT_NUMBERS[:-1])


@given(st.text(max_size=30) | st.from_regex(r"[0-9]{1,25}", fullmatch=True))
def test_any_text_is_read_or_refused_never_raised(text):
    number = read_id(text)
    if number is None:
        assert not is_digits(text) or len(text) > 19 or int(text) > ID_LIMIT
    else:
        assert 0 <= number <= ID_LIMIT and str(number) == text.lstrip("0").rjust(1, "0")
