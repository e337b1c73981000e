"""The range a tender's dates must fall in: the one rule the actions, the buyer's form and so the
API apply. Any real procurement's deadlines and contract dates fall well inside it, and every
moment inside it can be stored and shown in UK time (a date in year 1 or 9999 once reached the
database and then the pages, and gave a server error)."""

from datetime import UTC, date, datetime, time, timedelta

from levelfield.core.display import uk_date

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)

TENDER_DATES = (
    ("clarification_deadline", "clarification deadline"),
    ("submission_deadline", "submission deadline"),
    ("expected_award_date", "expected award date"),
    ("contract_start", "contract start date"),
    ("contract_end", "contract end date"),
)
"""Each date field of a tender, with how messages name it."""

_FROM = datetime.combine(EARLIEST, time.min, tzinfo=UTC)
_UNTIL = datetime.combine(LATEST + timedelta(days=1), time.min, tzinfo=UTC)


def out_of_range(value: date | datetime | None, label: str) -> str | None:
    """What is wrong with `value` (named `label`, like "submission deadline") when it falls
    outside the range, else None. An aware datetime is compared as it is, with no conversion
    that could itself overflow (year 1 at +05:00 is before year 1 in UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        inside = _FROM <= value < _UNTIL
    else:
        inside = EARLIEST <= value <= LATEST
    if inside:
        return None
    return f"The {label} must be between {uk_date(EARLIEST)} and {uk_date(LATEST)}"


def range_problems(tender) -> list[str]:
    """Each of the tender's dates outside the range, as a sentence."""
    problems = (out_of_range(getattr(tender, name), label) for name, label in TENDER_DATES)
    return [problem for problem in problems if problem]
