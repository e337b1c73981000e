"""The demo's contracts after signature: the home care contract's first year of life, and a
small contract the council let elsewhere, entered by hand.

The figures are plain data in `contract_life_data.py`; this module plays them through the
actions a person's clicks (or the daily job) call, each at its own moment with the clock frozen
there. The home care contract's moments are counted from its start date (its tender's timeline
in `data.py` puts the start about 13 months ago), so the year looks the same whatever day the
demo is loaded.

What a person finds: the contract live, managed by Priya Shah (accredited practitioner, as its
silver tier expects), its mobilisation checklist done, three KPIs reported for twelve months
(monthly) and four quarters, people reabled recorded each quarter so the cost per person
reabled shows, thirteen monthly invoices (one paid on day 35, one disputed then resolved, the
last not yet due), the UK8 and UK17 notices the daily job published (each on its last day to
publish), one change within the s.75 limit and one over it with its UK10 notice and voluntary
standstill, and the annual assessment published as UK9. The grounds maintenance contract let
elsewhere is managed by Tom Hughes, who holds no accreditation: the register flags it.
"""

import heapq
import itertools
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from levelfield.contracts.actions import accreditation as accreditation_actions
from levelfield.contracts.actions import changes as change_actions
from levelfield.contracts.actions import checklists as checklist_actions
from levelfield.contracts.actions import kpis as kpi_actions
from levelfield.contracts.actions import outcomes as outcome_actions
from levelfield.contracts.actions import payments as payment_actions
from levelfield.contracts.actions import performance as performance_actions
from levelfield.contracts.actions import records as record_actions
from levelfield.contracts.kpi_rules import add_months
from levelfield.contracts.models import (
    ChangeKind,
    ChecklistItem,
    Contract,
    ContractChange,
    Frequency,
    Invoice,
    InvoiceSource,
    Kpi,
)
from levelfield.core import clock
from levelfield.core.clock import UK
from levelfield.demo.contract_life_data import (
    ASSESSMENT,
    CHANGES,
    DISPUTE,
    DISPUTE_RESOLVED,
    INVOICES,
    KPI_NARRATIVES,
    KPIS,
    LET_ELSEWHERE,
    MANAGER,
    MANAGER_ACCREDITATION,
    OPTION,
    OUTCOME_MEASURE,
    REABLED,
    RISK,
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


class YearOfLife:
    """Plays the home care contract's year through the actions. `loader` is the demo's
    `_Loader` (its people and supplier users)."""

    def __init__(self, loader, contract: Contract):
        self.loader = loader
        self.contract_id = contract.pk
        self.officer = loader.people["officer"]
        self.admin = loader.people["admin"]
        self.manager = loader.people[MANAGER]

    def contract(self) -> Contract:
        # Fetched afresh for each action: permissions read the contract's current state.
        return Contract.objects.select_related("buyer", "supplier").get(pk=self.contract_id)

    # Before signature: the manager, KPIs and the outcome measure are part of the contract.

    def before_signature(self, recorded_at: datetime) -> None:
        contract = self.contract()
        with clock.frozen_at(recorded_at + timedelta(hours=1)):
            accreditation_actions.record_accreditation(
                organisation=contract.buyer,
                person=self.manager,
                by=self.admin,
                level=MANAGER_ACCREDITATION["level"],
                reference=MANAGER_ACCREDITATION["reference"],
                awarded_on=recorded_at.date()
                - timedelta(days=MANAGER_ACCREDITATION["awarded_days_before"]),
            )
            record_actions.assign_manager(contract=contract, by=self.officer, manager=self.manager)
            supplier = self.loader.supplier_users[self._supplier_key()]
            record_actions.update_contract(
                contract=self.contract(),
                by=self.officer,
                risk=RISK,
                supplier_contact_name=supplier.full_name,
                supplier_contact_email=supplier.email,
            )
        with clock.frozen_at(recorded_at + timedelta(hours=2)):
            contract = self.contract()
            record_actions.add_option(contract=contract, by=self.manager, **OPTION)
            outcome_actions.set_outcome_measure(
                contract=contract, by=self.manager, measure=OUTCOME_MEASURE
            )
            for name, description, target, unit, direction, frequency, _values in KPIS:
                kpi_actions.add_kpi(
                    contract=self.contract(),
                    by=self.manager,
                    name=name,
                    description=description,
                    target=target,
                    unit=unit,
                    direction=direction,
                    frequency=frequency,
                    material=True,
                )

    # After signature: a year of events, played in the order they happened.

    def after_signature(self) -> None:
        contract = self.contract()
        self.start = contract.start_date
        assert contract.signed_at is not None, "the demo plays the year of a signed contract"
        self.signed_at = contract.signed_at
        # A heap of (moment, order, step): a step may add a later one (a change made after its
        # standstill).
        self.events: list[tuple[datetime, int, Callable[[], object]]] = []
        self.order = itertools.count()
        self._lifecycle()
        self._checklist()
        self._kpi_reports()
        self._outcomes()
        self._invoices()
        self._changes()
        self._assessment()
        self._daily_notices()
        now = clock.now()
        while self.events:
            moment, _order, step = heapq.heappop(self.events)
            if moment >= now:
                raise RuntimeError("the demo's contract year puts an event in the future")
            with clock.frozen_at(moment):
                step()

    def on(self, moment: datetime, step: Callable[[], object]) -> None:
        heapq.heappush(self.events, (moment, next(self.order), step))

    def month(self, n: int) -> date:
        """The first day of the contract's month n + 1 (n months after the start)."""
        return add_months(self.start, n)

    def _lifecycle(self) -> None:
        self.on(
            self.signed_at + timedelta(hours=2),
            lambda: record_actions.start_mobilisation(contract=self.contract(), by=self.manager),
        )
        self.on(
            _at(self.start, 8),
            lambda: record_actions.go_live(contract=self.contract(), by=self.manager),
        )

    def _checklist(self) -> None:
        """Items due in the first year are done on their due day (the annual assessment's when
        the assessment is made); the rest lie ahead."""
        last = self._assessment_moment().date()
        items = ChecklistItem.objects.filter(contract_id=self.contract_id, due_on__lte=last)
        earliest = self.signed_at + timedelta(hours=3)
        for item in items.order_by("due_on", "position"):
            if "assessment" in item.text.lower():
                moment = self._assessment_moment() + timedelta(minutes=30)
            else:
                moment = max(_at(item.due_on, 15), earliest)
            self.on(moment, self._done(item.pk))

    def _done(self, pk: int):
        def step():
            checklist_actions.mark_done(
                item=ChecklistItem.objects.get(pk=pk), by=self.manager, note=""
            )

        return step

    def _kpi_reports(self) -> None:
        supplier_user = self.loader.supplier_users[self._supplier_key()]
        for number, (*_spec, frequency, values) in enumerate(KPIS, start=1):
            months = 1 if frequency == Frequency.MONTHLY else 3
            for period, value in enumerate(values, start=1):
                ended = self.month(period * months) - timedelta(days=1)
                moment = _at(ended + timedelta(days=6 if months == 1 else 8), 11)
                self.on(moment, self._report(number, period, value, supplier_user))

    def _report(self, number: int, period: int, value: str, user):
        def step():
            kpi = Kpi.objects.select_related("contract").get(
                contract_id=self.contract_id, number=number
            )
            kpi_actions.report_kpi(
                kpi=kpi,
                by=user,
                period=period,
                value=Decimal(value),
                narrative=KPI_NARRATIVES.get((number, period), ""),
            )

        return step

    def _supplier_key(self) -> str:
        contract = self.contract()
        return next(k for k, o in self.loader.suppliers.items() if o.pk == contract.supplier_id)

    def _outcomes(self) -> None:
        for quarter, people in enumerate(REABLED, start=1):
            starts = self.month(3 * (quarter - 1))
            ends = self.month(3 * quarter) - timedelta(days=1)

            def step(starts=starts, ends=ends, people=people):
                outcome_actions.record_outcomes(
                    contract=self.contract(),
                    by=self.manager,
                    period_start=starts,
                    period_end=ends,
                    quantity=people,
                    note="From the reablement team's discharge records.",
                )

            self.on(_at(ends + timedelta(days=10), 10), step)

    def _invoices(self) -> None:
        for n, (amount, days, what) in enumerate(INVOICES, start=1):
            received = self.month(n) + timedelta(days=1)
            reference = f"WCT-{received:%Y%m}-{n:02d}"
            self.on(_at(received, 10), self._record_invoice(reference, received, amount))
            if what == "disputed":
                self.on(_at(received + timedelta(days=3), 12), self._dispute(reference))
                self.on(_at(received + timedelta(days=16), 12), self._resolve(reference))
            if days is not None:
                paid = _at(received + timedelta(days=days), 15)
                self.on(paid, self._pay(reference, received, days))

    def _invoice(self, reference: str) -> Invoice:
        return Invoice.objects.select_related("contract").get(
            contract_id=self.contract_id, reference=reference
        )

    def _record_invoice(self, reference: str, received: date, amount: Decimal):
        def step():
            payment_actions.record_invoice(
                contract=self.contract(),
                by=self.manager,
                reference=reference,
                received_on=received,
                amount=amount,
                source=InvoiceSource.PAGE,
            )

        return step

    def _dispute(self, reference: str):
        return lambda: payment_actions.dispute_invoice(
            invoice=self._invoice(reference), by=self.manager, reason=DISPUTE
        )

    def _resolve(self, reference: str):
        return lambda: payment_actions.resolve_dispute(
            invoice=self._invoice(reference), by=self.manager, note=DISPUTE_RESOLVED
        )

    def _pay(self, reference: str, received: date, days: int):
        return lambda: payment_actions.mark_paid(
            invoice=self._invoice(reference),
            by=self.manager,
            paid_on=received + timedelta(days=days),
        )

    def _changes(self) -> None:
        for months, days_before, hour, value_after, description, standstill in CHANGES:
            moment = _at(self.month(months) - timedelta(days=days_before), hour)
            self.on(moment, self._change(value_after, description, standstill))

    def _change(self, value_after: Decimal, description: str, standstill: bool):
        def step():
            contract = self.contract()
            change = change_actions.record_change(
                contract=contract,
                by=self.manager,
                kind=ChangeKind.MODIFICATION,
                description=description,
                value_after=value_after,
                end_date_after=contract.end_date,
                voluntary_standstill=standstill,
            )
            if standstill:
                # The morning after the eight working days, the manager makes the change.
                made_at = change.standstill_ends_at + timedelta(hours=9)
                self.on(made_at, self._make(change.pk))

        return step

    def _make(self, pk: int):
        return lambda: change_actions.make_change(
            change=ContractChange.objects.select_related("contract").get(pk=pk), by=self.manager
        )

    def _assessment_moment(self) -> datetime:
        return _at(self.month(12) + timedelta(days=ASSESSMENT["days_after_year"]), 11)

    def _assessment(self) -> None:
        def step():
            performance_actions.record_assessment(
                contract=self.contract(),
                by=self.manager,
                period_start=self.start,
                period_end=self.month(12) - timedelta(days=1),
                rating=ASSESSMENT["rating"],
                narrative=ASSESSMENT["narrative"],
            )

        self.on(self._assessment_moment(), step)

    def _daily_notices(self) -> None:
        """The daily job's UK8 and UK17 notices, as it would have published them: each on its
        last day to publish, 30 days beginning with the period's last day (Period.publish_by).
        Every quarter and six-month period ends on 31 March, 30 June, 30 September or 31
        December, and + 29 days each gives the 29th of the next month, so the job is played on
        the 29th of each month but February (no period's last day to publish falls in it; the
        other days the job publishes nothing here)."""
        month = date(self.start.year, self.start.month, 1)
        today = clock.today_uk()
        while True:
            month = add_months(month, 1)
            if month.month == 2:
                continue
            day = month.replace(day=29)
            if day > today:
                break
            self.on(_at(day, 6), partial(payment_actions.publish_due_notices, today=day))


def play_year(loader, contract: Contract, recorded_at: datetime) -> YearOfLife:
    """Called by the demo loader between recording and signing the home care contract."""
    year = YearOfLife(loader, contract)
    year.before_signature(recorded_at)
    return year


def let_elsewhere(loader) -> Contract:
    """The grounds maintenance contract: entered by hand by the officer, signed by the admin,
    live since its start."""
    spec = LET_ELSEWHERE
    officer, admin = loader.people["officer"], loader.people["admin"]
    supplier = loader.suppliers[spec["supplier"]]
    start = loader.at(spec["start_days"]).date()
    try:
        end = start.replace(year=start.year + spec["years"]) - timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + spec["years"], day=28) - timedelta(days=1)
    contact = loader.supplier_users[spec["supplier"]]
    with clock.frozen_at(loader.moment(spec["entered"])):
        contract = record_actions.enter_contract(
            buyer=loader.buyer,
            by=officer,
            title=spec["title"],
            description=spec["description"],
            supplier_identifier=supplier.supplier_profile.companies_house_number,
            value=spec["value"],
            start_date=start,
            end_date=end,
            contract_manager=loader.people[spec["manager"]],
            supplier_contact_name=contact.full_name,
            supplier_contact_email=contact.email,
            risk=spec["risk"],
        )
    with clock.frozen_at(loader.moment(spec["signed"])):
        contract = record_actions.sign_let_elsewhere(contract=contract, by=admin)
    with clock.frozen_at(_at(start, spec["live_hour"])):
        contract = record_actions.go_live(contract=contract, by=officer)
    return contract
