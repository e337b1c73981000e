"""Whole numbers as people type them into an address, a form or a header: an id, or a small
number with a limit. `str.isdigit` is no test for these: it is true for "²" (which int()
refuses: a server error) and for "٣" (which int() reads as 3), and a number of thousands of
digits passes it too (int() refuses past 4,300 digits, and the databases cannot compare one
past 64 bits). These readers take ASCII digits alone, up to a limit, and answer None for
anything else, so that a place reading one answers as it does for any other unknown value."""

ID_LIMIT = 2**63 - 1
"""The largest id: a 64-bit integer (BigAutoField, the project's DEFAULT_AUTO_FIELD)."""


def is_digits(text: str) -> bool:
    """True for a string of one or more ASCII digits (0-9) and nothing else."""
    return text.isascii() and text.isdigit()


def read_number(text: str, *, most: int) -> int | None:
    """The whole number from 0 to `most` that `text` writes in ASCII digits, or None for
    anything else: empty, a sign, a space, a point, a digit that is not ASCII, or past `most`
    (however many digits: it is never given to int() beyond the digits `most` has)."""
    if not is_digits(text) or len(text) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None


def read_id(text: str) -> int | None:
    """An id as typed (a lot's, a project's, an organisation's), or None for text that cannot
    be one: not ASCII digits, or past the largest id. 0 is read (no row has it, so it finds
    nothing, as any unknown id does)."""
    return read_number(text, most=ID_LIMIT)
