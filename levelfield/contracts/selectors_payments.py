"""Reads for invoices and payments: days to pay, compliance with the 30 days of s.68(2), the
quarters of the UK8 payments notice (s.70) and the six-month reporting periods of the UK17
payments compliance notice (s.69, regulation 38 of the Procurement Regulations 2024).

Days to pay are counted as regulation 38(2)(c) counts them: day 1 is the first day after the
day the invoice was received, so an invoice received on 1 March and paid on 31 March took 30
days and was paid in time; paid on 1 April it took 31 days and was late.

Disputed invoices are left out of every figure: s.68(2) does not apply to an invoice the buyer
disputes. A dispute the buyer withdraws (the invoice was valid after all) leaves the invoice
valid from the day it was received, so it counts from that day (see actions/payments.py).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from .models import Contract, ContractNotice, Invoice, InvoiceStatus, NoticeType

PAYMENT_DAYS = 30  # s.68(2)
REMIND_AT_DAY = 25
UK8_THRESHOLD = Decimal("30000")  # s.70: payments over £30,000 (more than, not equal to)
# When the duties began: s.70 with the Act, on 24 February 2025; s.69 on 1 October 2025, the
# first reporting period running to 31 March 2026 (s.69(3)). Nothing earlier is due.
UK8_FROM = date(2025, 2, 24)
UK17_FIRST_PERIOD_END = date(2026, 3, 31)

_DAYS = ExpressionWrapper(F("paid_on") - F("received_on"), output_field=DurationField())
_ON_TIME = Q(paid_on__lte=F("received_on") + timedelta(days=PAYMENT_DAYS))
_WITHIN_60 = Q(paid_on__lte=F("received_on") + timedelta(days=60))


# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    key: str  # '2026-Q1' for a quarter, the ISO end date for a six-month period

    @property
    def publish_by(self) -> date:
        """The last day to publish either notice: "before the end of the period of 30 days
        beginning with the last day" of the period (s.69(1), s.70(2)), so the period's last day
        is day 1 and 31 March gives 29 April."""
        return self.end + timedelta(days=29)


def quarter_of(day: date) -> Period:
    """The calendar quarter (ending 31 March, 30 June, 30 September, 31 December) of `day`."""
    number = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * number - 2, 1)
    end = (date(day.year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)) - timedelta(
        days=1
    )
    return Period(start, end, f"{day.year}-Q{number}")


def quarter_by_key(key: str) -> Period | None:
    try:
        year, number = (int(part) for part in key.split("-Q"))
        return quarter_of(date(year, 3 * number - 2, 1)) if 1 <= number <= 4 else None
    except (ValueError, TypeError):
        return None


def half_year_of(day: date) -> Period:
    """The s.69 reporting period of `day`: 1 April to 30 September, or 1 October to 31 March."""
    if 4 <= day.month <= 9:
        start, end = date(day.year, 4, 1), date(day.year, 9, 30)
    elif day.month >= 10:
        start, end = date(day.year, 10, 1), date(day.year + 1, 3, 31)
    else:
        start, end = date(day.year - 1, 10, 1), date(day.year, 3, 31)
    return Period(start, end, end.isoformat())


def half_year_by_key(key: str) -> Period | None:
    try:
        end = date.fromisoformat(key)
    except (ValueError, TypeError):
        return None
    period = half_year_of(end)
    return period if period.end == end else None


def ended_half_years(today: date, count: int = 4) -> list[Period]:
    """The last `count` reporting periods that have ended, newest first."""
    periods: list[Period] = []
    day = half_year_of(today).start - timedelta(days=1)
    while len(periods) < count and day.year >= 2000:
        period = half_year_of(day)
        periods.append(period)
        day = period.start - timedelta(days=1)
    return periods


# --- Invoices ------------------------------------------------------------------------------------


def days_to_pay(invoice) -> int | None:
    if invoice.paid_on is None:
        return None
    return (invoice.paid_on - invoice.received_on).days


def days_open(invoice, today: date) -> int:
    return ((invoice.paid_on or today) - invoice.received_on).days


def is_late(invoice, today: date) -> bool:
    """Paid after day 30, or unpaid beyond day 30; a disputed invoice is never late (s.68)."""
    return invoice.status == InvoiceStatus.VALID and days_open(invoice, today) > PAYMENT_DAYS


def invoices_for(contract):
    return Invoice.objects.filter(contract=contract).order_by("-received_on", "-id")


def counts_for_contract(contract, today: date) -> dict:
    """For the contract page's summary card: one query."""
    return Invoice.objects.filter(contract=contract).aggregate(
        total=Count("id"),
        unpaid=Count("id", filter=Q(paid_on__isnull=True, status=InvoiceStatus.VALID)),
        disputed=Count("id", filter=Q(status=InvoiceStatus.DISPUTED)),
        overdue=Count(
            "id",
            filter=Q(
                paid_on__isnull=True,
                status=InvoiceStatus.VALID,
                received_on__lt=today - timedelta(days=PAYMENT_DAYS),
            ),
        ),
        paid_late=Count(
            "id", filter=Q(paid_on__isnull=False, status=InvoiceStatus.VALID) & ~_ON_TIME
        ),
    )


# --- Compliance ----------------------------------------------------------------------------------


@dataclass
class Compliance:
    paid: int = 0
    on_time: int = 0
    within_60: int = 0
    total_days: int = 0
    amount_paid: Decimal = Decimal("0")
    unpaid_late: int = 0
    became_payable: int = 0
    contract: Contract | None = None
    late: list = field(default_factory=list)

    @property
    def late_count(self) -> int:
        return self.paid - self.on_time

    @property
    def days_31_to_60(self) -> int:
        return self.within_60 - self.on_time

    @property
    def over_60(self) -> int:
        return self.paid - self.within_60

    @staticmethod
    def _percent(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def percent_on_time(self) -> Decimal | None:
        return self._percent(self.on_time, self.paid)

    @property
    def percent_31_to_60(self) -> Decimal | None:
        return self._percent(self.days_31_to_60, self.paid)

    @property
    def percent_over_60(self) -> Decimal | None:
        return self._percent(self.over_60, self.paid)

    @property
    def percent_unpaid_late(self) -> Decimal | None:
        return self._percent(self.unpaid_late, self.became_payable)

    @property
    def average_days(self) -> Decimal | None:
        if not self.paid:
            return None
        return (Decimal(self.total_days) / self.paid).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _days(value) -> int:
    """A sum of date differences as whole days (a timedelta on every database we run on)."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return int(value)  # pragma: no cover - a backend returning a number of days


_PAID_FIGURES = {
    "paid": Count("id"),
    "on_time": Count("id", filter=_ON_TIME),
    "within_60": Count("id", filter=_WITHIN_60),
    "total_days": Sum(_DAYS),
    "amount_paid": Sum("amount"),
}


def _paid(invoices, start: date | None, end: date | None):
    paid = invoices.filter(status=InvoiceStatus.VALID, paid_on__isnull=False)
    if start:
        paid = paid.filter(paid_on__gte=start)
    if end:
        paid = paid.filter(paid_on__lte=end)
    return paid


def _unpaid_late(invoices, start: date | None, end: date, today: date):
    """Sums that became payable (day 30 fell) in the period, and those of them not paid by the
    period's end (regulation 38(2)(d)); without a start, every one due by `end`."""
    # A sum falling due today is not late until the day is over.
    last_due = end - timedelta(days=PAYMENT_DAYS + (1 if end >= today else 0))
    due = invoices.filter(status=InvoiceStatus.VALID, received_on__lte=last_due)
    if start:
        due = due.filter(received_on__gte=start - timedelta(days=PAYMENT_DAYS))
    return due.aggregate(
        became_payable=Count("id"),
        unpaid_late=Count("id", filter=Q(paid_on__isnull=True) | Q(paid_on__gt=end)),
    )


def compliance(invoices, *, start=None, end=None, today: date) -> Compliance:
    """Figures over `invoices` (a queryset) paid between `start` and `end` (inclusive; open
    ends when None): two aggregate queries."""
    figures = _paid(invoices, start, end).aggregate(**_PAID_FIGURES)
    result = Compliance(
        paid=figures["paid"],
        on_time=figures["on_time"],
        within_60=figures["within_60"],
        total_days=_days(figures["total_days"]),
        amount_paid=figures["amount_paid"] or Decimal("0"),
    )
    late_end = min(end or today, today)
    result.__dict__.update(_unpaid_late(invoices, start, late_end, today))
    return result


def contract_compliance(contract, *, today: date, start=None, end=None) -> Compliance:
    invoices = Invoice.objects.filter(contract=contract)
    result = compliance(invoices, start=start, end=end, today=today)
    result.contract = contract
    result.late = list(late_invoices(Invoice.objects.filter(contract=contract), start, end))
    return result


def late_invoices(invoices, start=None, end=None):
    return (
        _paid(invoices, start, end)
        .exclude(_ON_TIME)
        .select_related("contract")
        .annotate(days=_DAYS)
        .order_by("paid_on", "id")
    )


def unpaid_overdue(invoices, today: date):
    """Valid invoices still unpaid after day 30."""
    return (
        invoices.filter(
            status=InvoiceStatus.VALID,
            paid_on__isnull=True,
            received_on__lt=today - timedelta(days=PAYMENT_DAYS),
        )
        .select_related("contract")
        .order_by("received_on", "id")
    )


def buyer_invoices(buyer):
    return Invoice.objects.filter(contract__buyer=buyer)


def buyer_compliance(buyer, *, today: date, start=None, end=None) -> tuple[Compliance, list]:
    """The buyer's overall figures and one row per contract with invoices (aggregate queries
    grouped by contract)."""
    invoices = buyer_invoices(buyer)
    overall = compliance(invoices, start=start, end=end, today=today)
    rows = {
        row["contract"]: Compliance(
            paid=row["paid"],
            on_time=row["on_time"],
            within_60=row["within_60"],
            total_days=_days(row["total_days"]),
            amount_paid=row["amount_paid"] or Decimal("0"),
        )
        for row in _paid(invoices, start, end).values("contract").annotate(**_PAID_FIGURES)
    }
    overdue = unpaid_overdue(invoices, today).values("contract").annotate(n=Count("id")).order_by()
    for row in overdue:
        rows.setdefault(row["contract"], Compliance()).unpaid_late = row["n"]
    contracts = Contract.objects.filter(pk__in=rows).order_by("reference")
    per_contract = []
    for contract in contracts:
        row = rows[contract.pk]
        row.contract = contract
        per_contract.append(row)
    return overall, per_contract


# --- Notices -------------------------------------------------------------------------------------


def uk8_payments(contract, quarter: Period):
    """Payments over £30,000 on the contract in the quarter (s.70), by the day paid."""
    return Invoice.objects.filter(
        contract=contract,
        status=InvoiceStatus.VALID,
        paid_on__gte=quarter.start,
        paid_on__lte=quarter.end,
        amount__gt=UK8_THRESHOLD,
    ).order_by("paid_on", "id")


def payment_deadline(received_on: date) -> date:
    """The last day to pay a valid, undisputed invoice: s.68(2) "within the period of 30 days
    beginning with the day on which the invoice is received", so the day received is day 1 and
    an invoice received on 1 March is paid by 30 March. Every email and page stating the date
    uses this. (The published figures count as regulation 38(2)(c) does, day 1 the day after,
    so a payment on 31 March is still "day 30" there: see PAYMENT_DAYS and _ON_TIME.)"""
    return received_on + timedelta(days=PAYMENT_DAYS - 1)


def payable_on(received_on: date) -> date:
    """The day a sum "became payable" for regulation 38(2)(d), as the figures count it."""
    return received_on + timedelta(days=PAYMENT_DAYS)


def _uk8_quarter_key(key: str) -> str:
    """'2026-Q1' for the first UK8 of a quarter and for its supplements '2026-Q1-2', ..."""
    return key[:7]


def published_payment_ids(notices) -> set[str]:
    """The transaction ids ('payment-<invoice pk>') in published UK8 notices."""
    ids = set()
    for data in notices:
        for section in (data or {}).get("contracts", []):
            for item in (section.get("implementation") or {}).get("transactions", []):
                ids.add(item.get("id"))
    return ids


def uk8_unpublished(contract, quarter: Period) -> tuple[list, int]:
    """The contract's payments over £30,000 in the quarter not in any UK8 published for it yet,
    and how many UK8 notices (first and supplementary) that quarter already has."""
    notices = list(
        ContractNotice.objects.filter(
            notice_type=NoticeType.UK8, contract=contract, period_start=quarter.start
        ).values_list("data", flat=True)
    )
    published = published_payment_ids(notices)
    invoices = [
        invoice
        for invoice in uk8_payments(contract, quarter)
        if f"payment-{invoice.pk}" not in published
    ]
    return invoices, len(notices)


def uk8_notice_period(quarter: Period, already: int) -> Period:
    """The period as the next UK8 for it is keyed: '2026-Q1' first, then '2026-Q1-2', ..."""
    if not already:
        return quarter
    return Period(quarter.start, quarter.end, f"{quarter.key}-{already + 1}")


def uk8_due(*, today: date, buyer=None, on_demand: bool = False) -> list[tuple[Contract, Period]]:
    """Every (contract, quarter) with a payment over £30,000 not yet in a UK8 notice.

    The first UK8 for a quarter is due on its last day to publish (Period.publish_by: s.70(2),
    30 days beginning with the quarter's last day), so payments recorded late in those 30 days
    are in it; with `on_demand` (the buyer publishing from its page) as soon as the quarter has
    ended. A payment in the quarter recorded, or dated paid, after its UK8 was published goes
    out at once in a supplementary UK8 for the contract and quarter (key '2026-Q1-2', ...):
    what is published is compared with the payments now recorded (each transaction's id is the
    invoice's)."""
    paid = Invoice.objects.filter(
        status=InvoiceStatus.VALID,
        amount__gt=UK8_THRESHOLD,
        paid_on__gte=UK8_FROM,
        paid_on__lt=quarter_of(today).start,
    )
    if buyer is not None:
        paid = paid.filter(contract__buyer=buyer)
    wanted: dict[tuple[int, str], Period] = {}
    payments: dict[tuple[int, str], set[str]] = {}
    for pk, contract_id, paid_on in paid.values_list("pk", "contract_id", "paid_on").order_by():
        assert paid_on is not None  # filtered on paid_on__gte
        quarter = quarter_of(paid_on)
        wanted[(contract_id, quarter.key)] = quarter
        payments.setdefault((contract_id, quarter.key), set()).add(f"payment-{pk}")
    published: dict[tuple[int, str], list] = {}
    notices = ContractNotice.objects.filter(
        notice_type=NoticeType.UK8, contract_id__in={c for c, _ in wanted}
    ).values_list("contract_id", "key", "data")
    for contract_id, key, data in notices:
        published.setdefault((contract_id, _uk8_quarter_key(key)), []).append(data)
    contracts = Contract.objects.select_related("buyer", "supplier").in_bulk({c for c, _ in wanted})
    due = []
    for (contract_id, key), quarter in sorted(wanted.items(), key=lambda i: (i[1].end, i[0])):
        already = published.get((contract_id, key), [])
        if not already:
            if on_demand or today >= quarter.publish_by:
                due.append((contracts[contract_id], quarter))
        elif payments[(contract_id, key)] - published_payment_ids(already):
            due.append((contracts[contract_id], uk8_notice_period(quarter, len(already))))
    return due


def uk17_due(*, today: date, buyer=None, on_demand: bool = False) -> list[tuple[object, Period]]:
    """Every (buyer, six-month period) in which the buyer paid an invoice or one became payable
    (s.69(1)), with no UK17 notice yet: due on the period's last day to publish (publish_by, 30
    days beginning with its last day, so invoices recorded late in those days are counted), or
    with `on_demand` as soon as the period has ended. Once published a UK17 is not published
    again: see published_period_problem."""
    from levelfield.accounts.models import Organisation

    current = half_year_of(today)
    invoices = Invoice.objects.filter(status=InvoiceStatus.VALID)
    if buyer is not None:
        invoices = invoices.filter(contract__buyer=buyer)
    # The days that put a period in play: each payment made, and each sum falling due (day 30).
    # Distinct (buyer, day) pairs, so the daily job reads days, not every invoice.
    paid = invoices.filter(paid_on__isnull=False).values_list("contract__buyer_id", "paid_on")
    received = invoices.values_list("contract__buyer_id", "received_on")
    # (paid is filtered on paid_on__isnull=False; the test here says so to the type checker)
    days = {(b, d) for b, d in paid.distinct().order_by() if d is not None}
    days |= {(b, payable_on(d)) for b, d in received.distinct().order_by()}
    wanted: dict[tuple[int, str], Period] = {}
    for buyer_id, day in days:
        period = half_year_of(day)
        if (
            day < current.start
            and period.end >= UK17_FIRST_PERIOD_END
            and (on_demand or today >= period.publish_by)
        ):
            wanted[(buyer_id, period.key)] = period
    published = set(
        ContractNotice.objects.filter(
            notice_type=NoticeType.UK17, contract__isnull=True
        ).values_list("buyer_id", "key")
    )
    buyers = Organisation.objects.in_bulk({b for b, _ in wanted})
    return [
        (buyers[buyer_id], period)
        for (buyer_id, key), period in sorted(wanted.items(), key=lambda i: (i[1].end, i[0]))
        if (buyer_id, key) not in published
    ]


def published_uk17(buyer_id: int, days) -> ContractNotice | None:
    """The buyer's UK17 already published for the period of any of `days` (None if none)."""
    keys = {half_year_of(day).key for day in days if day}
    if not keys:
        return None
    return (
        ContractNotice.objects.filter(
            notice_type=NoticeType.UK17, contract__isnull=True, buyer_id=buyer_id, key__in=keys
        )
        .order_by("period_end")
        .first()
    )


def published_uk8_for(invoice) -> ContractNotice | None:
    """The UK8 notice that published this invoice's payment, if one did."""
    if invoice.pk is None or invoice.paid_on is None:
        return None
    quarter = quarter_of(invoice.paid_on)
    for notice in ContractNotice.objects.filter(
        notice_type=NoticeType.UK8, contract_id=invoice.contract_id, period_start=quarter.start
    ).order_by("published_at", "id"):
        if f"payment-{invoice.pk}" in published_payment_ids([notice.data]):
            return notice
    return None


def buyer_notices(buyer):
    return ContractNotice.objects.filter(
        buyer=buyer, notice_type__in=(NoticeType.UK8, NoticeType.UK17)
    ).select_related("contract")
