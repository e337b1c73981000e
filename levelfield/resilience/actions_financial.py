"""Recording suppliers' financial readings, raising a breach for each reading past its
indicator's threshold, and recording that a breach was notified.

The rules for a reading (a known indicator, a number, a date not in the future) live here once:
`reading_problems`; the CSV import and any form or schema reuse it."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from levelfield.accounts.models import Organisation
from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError
from levelfield.core.workingdays import end_of_working_days_after

from . import rules_financial  # noqa: F401  (registers the permissions)
from .models import BreachEvent, Indicator, Reading
from .models.financial import BREACH_NOTICE_WORKING_DAYS, Direction, ReadingSource
from .rules import require_team

# The value column holds 14 digits before the point and 4 after.
MAX_VALUE = Decimal("99999999999999.9999")


def breach_due_at(raised_at: datetime) -> datetime:
    """The end (midnight, UK time) of the second working day after the day the breach was
    raised; that day itself is not counted, nor weekends and England and Wales bank holidays."""
    return end_of_working_days_after(raised_at, BREACH_NOTICE_WORKING_DAYS)


def parse_value(text) -> Decimal | None:
    """A reading's value from what a person typed (commas, £ and % allowed); None if it is
    not a finite number that fits."""
    cleaned = str(text if text is not None else "")
    cleaned = cleaned.replace(",", "").replace("£", "").replace("%", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        return None
    return value.quantize(Decimal("0.0001"))


def reading_problems(
    *, indicator: Indicator | None, code: str, value, as_of: date | None, today: date
) -> list[str]:
    """What is wrong with a reading, each in words a person can act on; empty if nothing."""
    problems = []
    if indicator is None:
        problems.append(
            f"There is no indicator with code {code!r}" if code else "The indicator is missing"
        )
    if value is None or value == "":
        problems.append("Enter the value as a number, like 1250000 or -3.5")
    elif parse_value(value) is None:
        problems.append(f"The value {value!r} is not a number, like 1250000 or -3.5")
    if as_of is None:
        problems.append("Enter the date the reading is as of")
    elif as_of > today:
        problems.append(f"The reading date {uk_date(as_of)} is in the future")
    return problems


def indicator_problems(*, code: str, name: str, direction: str, threshold) -> list[str]:
    """What is wrong with a new indicator's definition; empty if nothing."""
    problems = []
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code or ""):
        problems.append(
            "Enter a code of up to 40 lower-case letters, digits and underscores, "
            "starting with a letter, like days_cash"
        )
    elif Indicator.objects.filter(code=code).exists():
        problems.append(f"There is already an indicator with code {code!r}")
    if not (name or "").strip():
        problems.append("Enter the indicator's name")
    elif len(name.strip()) > 100:
        problems.append("The name must be 100 characters or fewer")
    if direction not in Direction.values:
        problems.append("Choose whether a breach is below or above the threshold")
    if parse_value(threshold) is None:
        problems.append(f"The threshold {threshold!r} is not a number, like 40 or -10")
    return problems


@transaction.atomic
def add_indicator(
    *, code: str, name: str, unit: str = "", direction: str, threshold, by
) -> Indicator:
    """The resilience team adds an indicator of its own to the four defaults."""
    require_team(by, "Only the resilience team can add indicators")
    code = (code or "").strip()
    problems = indicator_problems(code=code, name=name, direction=direction, threshold=threshold)
    if len((unit or "").strip()) > 20:
        problems.append("The unit must be 20 characters or fewer")
    if problems:
        raise DomainError(problems[0], code="invalid_indicator", details=problems)
    parsed = parse_value(threshold)
    assert parsed is not None  # indicator_problems refuses a threshold that does not parse
    indicator = Indicator.objects.create(
        code=code,
        name=name.strip(),
        unit=(unit or "").strip(),
        direction=direction,
        threshold=parsed,
    )
    audit.record(
        action="financial_indicator.added",
        obj=indicator,
        actor=by,
        summary=f"Indicator {indicator.name} added: breach when {direction} {indicator.threshold}",
        code=code,
    )
    return indicator


def _check_supplier(supplier) -> None:
    if not isinstance(supplier, Organisation) or not supplier.is_supplier:
        raise DomainError("Financial readings are kept for suppliers only", code="not_a_supplier")


def save_reading(
    *, supplier, indicator: Indicator, value: Decimal, as_of: date, source: str, by
) -> Reading:
    """Write a checked reading and raise its breach if it crosses the threshold. Callers have
    checked permission and `reading_problems` inside their transaction."""
    now = clock.now()
    reading = Reading.objects.create(
        supplier=supplier,
        indicator=indicator,
        value=value,
        as_of=as_of,
        source=source,
        recorded_by=by if getattr(by, "pk", None) else None,
        recorded_at=now,
    )
    if indicator.breached_by(value):
        breach = BreachEvent.objects.create(
            supplier=supplier,
            indicator=indicator,
            reading=reading,
            raised_at=now,
            due_at=breach_due_at(now),
        )
        audit.record(
            action="financial_breach.raised",
            obj=breach,
            actor=by,
            organisation=supplier,
            summary=f"{indicator.name} of {supplier.name} breached its threshold",
            reading=reading.pk,
            due_at=breach.due_at.isoformat(),
        )
    return reading


@transaction.atomic
def record_reading(*, supplier, indicator_code: str, value, as_of: date | None, by) -> Reading:
    """The resilience team records one reading of a supplier's financial indicator."""
    require_team(by, "Only the resilience team can record financial readings")
    _check_supplier(supplier)
    code = (indicator_code or "").strip()
    indicator = Indicator.objects.filter(code=code).first() if code else None
    problems = reading_problems(
        indicator=indicator, code=code, value=value, as_of=as_of, today=clock.today_uk()
    )
    if problems:
        raise DomainError(problems[0], code="invalid_reading", details=problems)
    parsed = parse_value(value)
    # reading_problems refuses a missing indicator or date and a value that does not parse
    assert indicator is not None and parsed is not None and as_of is not None
    reading = save_reading(
        supplier=supplier,
        indicator=indicator,
        value=parsed,
        as_of=as_of,
        source=ReadingSource.ENTERED,
        by=by,
    )
    audit.record(
        action="financial_reading.recorded",
        obj=reading,
        actor=by,
        organisation=supplier,
        summary=f"{indicator.name} of {supplier.name} recorded as of {uk_date(as_of)}",
        indicator=indicator.code,
        as_of=as_of.isoformat(),
    )
    return reading


@transaction.atomic
def record_breach_notified(*, breach: BreachEvent, by, notified_at: datetime | None = None):
    """Record when a breach was notified (now, unless told an earlier time)."""
    require_team(by, "Only the resilience team can record that a breach was notified")
    breach = BreachEvent.objects.select_for_update().get(pk=breach.pk)
    if breach.notified_at is not None:
        raise DomainError("This breach was already recorded as notified", code="already_notified")
    now = clock.now()
    notified_at = notified_at or now
    if notified_at > now:
        raise DomainError("The time notified cannot be in the future", code="invalid_time")
    if notified_at < breach.raised_at:
        raise DomainError(
            "The time notified cannot be before the breach was raised", code="invalid_time"
        )
    breach.notified_at = notified_at
    breach.notified_by = by
    breach.save(update_fields=["notified_at", "notified_by"])
    audit.record(
        action="financial_breach.notified",
        obj=breach,
        actor=by,
        organisation=breach.supplier,
        summary=f"{breach.indicator.name} breach of {breach.supplier.name} notified",
        notified_at=notified_at.isoformat(),
        on_time=notified_at < breach.due_at,
    )
    return breach
