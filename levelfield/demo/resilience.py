"""The demo's supplier resilience (issue 15), played through the actions a person's clicks call,
each at its own moment with the clock frozen there (the content is `resilience_data.py`).

What a person finds: a second council (Sandbourne Borough Council) and its staff; Nadia
Kowalski on the resilience team (a platform role, no organisation); Meridian Care Group plc,
marked strategic by the platform admin, holding a critical contract at each council (awarded
here) with Shaston Community Transport subcontracting at Wessex as it does for Wessex Community
Care Trust; its subsidiary Meridian Home Care Ltd holding a critical contract at Sandbourne and
no living will (flagged on both sides); Meridian's living will, version 1 submitted about half
complete and a newer draft; three smaller providers, each assessed on a contract here; financial
readings with one breach notified on time and one overdue; and a saved failure scenario.

`load(loader)` is called by the demo loader (`data._Loader.run`) in its transaction: the demo is
loaded once, so running it again changes nothing."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from levelfield.accounts import actions as account_actions
from levelfield.accounts.models import Membership, Organisation, User
from levelfield.accounts.tasks import verification_token
from levelfield.bids import actions as bid_actions
from levelfield.contracts import actions as contract_actions
from levelfield.contracts.actions import performance as performance_actions
from levelfield.contracts.actions import records as record_actions
from levelfield.contracts.models import Contract
from levelfield.core import clock
from levelfield.core.clock import UK
from levelfield.evaluation import actions as evaluation_actions
from levelfield.resilience import actions as resilience_actions
from levelfield.resilience import actions_financial, actions_scenarios
from levelfield.resilience.models import BreachEvent
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import exclusions
from levelfield.suppliers.models import Region
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Lot, Tender

from . import resilience_data as data

# Each awarded tender's moments, in days before its contract starts, at a UK clock hour.
TENDER_STEPS = {
    "created": (-80, 10),
    "published": (-78, 9),
    "clarification_deadline": (-55, 12),
    "submission_deadline": (-48, 12),
    "bid_submitted": (-50, 15),
    "evaluation_opened": (-47, 9),
    "scored": (-45, 14),
    "award_confirmed": (-42, 11),
    "notice_published": (-41, 9),
}
QUESTIONS = (
    (
        "quality",
        Decimal("30"),
        "Describe how you will support each person to live as independently as they can.",
    ),
    ("quality", Decimal("20"), "How will you recruit and keep enough staff from the start?"),
    (
        "social_value",
        Decimal("10"),
        "Tackling economic inequality: what measurable commitments will you make for local "
        "people in the first contract year?",
    ),
)
SCORES = (75, 75, 50)


def emails() -> list[str]:
    """Every person this part of the demo creates (the loader refuses a database with any)."""
    return [
        data.RESILIENCE_TEAM["email"],
        *(p["email"] for p in data.SECOND_BUYER_STAFF),
        *(s["email"] for s in data.SUPPLIERS),
    ]


def logins(login) -> list:
    """The demo logins this part adds, made with the loader's `Login`."""
    from levelfield.accounts.models import Role

    return [
        login(
            "Resilience team (platform role)",
            "levelfield (platform)",
            data.RESILIENCE_TEAM["email"],
        ),
        *(
            login(Role(p["role"]).label, data.SECOND_BUYER, p["email"])
            for p in data.SECOND_BUYER_STAFF
        ),
        *(login(Role.SUPPLIER_ADMIN.label, s["legal_name"], s["email"]) for s in data.SUPPLIERS),
    ]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UK)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Resilience:
    def __init__(self, loader, password: str):
        self.loader = loader
        self.password = password
        # Hashed once for the people made here directly (hashing is most of the demo's time).
        self.hashed = make_password(password)
        self.platform_admin = User.objects.get(is_superuser=True)
        self.suppliers: dict[str, Organisation] = {}
        self.supplier_users: dict[str, User] = {}
        self.councils: dict[str, tuple[Organisation, dict[str, User]]] = {}
        self.contracts: dict[str, Contract] = {}

    def run(self) -> None:
        loader = self.loader
        self.councils["wessex"] = (
            loader.buyer,
            {
                "admin": loader.people["admin"],
                "officer": loader.people["officer"],
                "evaluator": loader.people["evaluator1"],
            },
        )
        self.councils["sandbourne"] = self._second_council()
        for spec in data.SUPPLIERS:
            self._supplier(spec)
        # Wessex Community Care Trust and Kennet Home Care come from the main demo.
        for key in ("trust", "kennet"):
            self.suppliers[key] = loader.suppliers[key]
            self.supplier_users[key] = loader.supplier_users[key]
        self.team = self._resilience_team()
        with clock.frozen_at(loader.moment(data.STRATEGIC["marked"])):
            resilience_actions.mark_strategic(
                organisation=self.suppliers[data.STRATEGIC["supplier"]],
                reason=data.STRATEGIC["reason"],
                by=self.platform_admin,
            )
        for spec in data.AWARDED:
            self._awarded(spec)
        self._let_elsewhere()
        self._living_will()
        self._readings()
        self._scenario()

    # People and organisations ------------------------------------------------------------------

    def _second_council(self):
        # There is no buyer-registration action: a platform admin sets buyers up.
        buyer = Organisation.objects.create(name=data.SECOND_BUYER, kind=Organisation.Kind.BUYER)
        people = {}
        for spec in data.SECOND_BUYER_STAFF:
            user = self._person(spec)
            Membership.objects.create(user=user, organisation=buyer, role=spec["role"])
            people[spec["key"]] = user
        return buyer, people

    def _resilience_team(self) -> User:
        spec = data.RESILIENCE_TEAM
        person = self._person(spec)
        with clock.frozen_at(self.loader.moment(spec["granted"])):
            resilience_actions.grant_platform_role(user=person, by=self.platform_admin)
        return person

    def _person(self, spec: dict) -> User:
        return User.objects.create(
            email=spec["email"], full_name=spec["full_name"], password=self.hashed
        )

    def _supplier(self, spec: dict) -> None:
        membership = supplier_actions.register_supplier(
            legal_name=spec["legal_name"],
            companies_house_number=spec["companies_house_number"],
            size=spec["size"],
            is_vcse=spec["is_vcse"],
            region=spec["region"],
            full_name=spec["full_name"],
            email=spec["email"],
            password=self.password,
        )
        account_actions.verify_email(token=verification_token(membership.user))
        organisation, user = membership.organisation, membership.user
        self.suppliers[spec["key"]] = organisation
        self.supplier_users[spec["key"]] = user
        from levelfield.demo.data import fill_profile  # data.py imports this module

        fill_profile(organisation, user, spec, spec)
        for days_ago in data.DECLARATIONS_DAYS_AGO:
            with clock.frozen_at(self.loader.at(-days_ago, 11)):
                supplier_actions.declare_exclusions(
                    organisation=organisation, by=user, answers=exclusions.no_grounds()
                )

    # Contracts -------------------------------------------------------------------------------

    def _awarded(self, spec: dict) -> None:
        """A tender whose lots each get one bid, evaluated, awarded and signed; the contracts
        go live on their start date. The buyer marks them critical, or assesses them after
        their first year."""
        buyer, people = self.councils[spec["buyer"]]
        officer, admin, evaluator = people["officer"], people["admin"], people["evaluator"]
        start = self.loader.today + timedelta(days=spec["start_days"])
        total = sum(lot["value"] for lot in spec["lots"])

        def moment(step: str) -> datetime:
            days, hour = TENDER_STEPS[step]
            return _at(start + timedelta(days=days), hour)

        with clock.frozen_at(moment("created")):
            tender = tender_actions.create_tender(
                buyer=buyer,
                by=officer,
                title=spec["title"],
                description=spec["description"],
                cpv_codes=spec["cpv_codes"],
                estimated_value=total,
                region=Region.SOUTH_WEST,
                suitable_for_sme=True,
                suitable_for_vcse=True,
                clarification_deadline=moment("clarification_deadline"),
                submission_deadline=moment("submission_deadline"),
                expected_award_date=moment("award_confirmed").date(),
                contract_start=start,
                contract_end=_years_later(start, spec["years"]) - timedelta(days=1),
            )
            for number, lot_spec in enumerate(spec["lots"], start=1):
                lot = (
                    tender.lots.get()
                    if number == 1
                    else tender_actions.add_lot(tender=tender, by=officer, title=lot_spec["title"])
                )
                tender_actions.update_lot(
                    lot=lot,
                    by=officer,
                    title=lot_spec["title"],
                    description=spec["description"],
                    estimated_value=lot_spec["value"],
                    price_weight=Decimal("40"),
                    price_formula="lowest_price",
                    quality_threshold=None,
                    tie_break="highest_quality",
                )
                for kind, weight, text in QUESTIONS:
                    tender_actions.add_question(
                        lot=lot, by=officer, kind=kind, weight=weight, text=text
                    )
        with clock.frozen_at(moment("published")):
            tender = tender_actions.publish_tender(tender=tender, by=officer)
        bids = [
            self._bid(self._lot(tender, number), lot_spec, moment("bid_submitted"))
            for number, lot_spec in enumerate(spec["lots"], start=1)
        ]
        with clock.frozen_at(moment("evaluation_opened")):
            tender = tender_actions.open_evaluation(tender=tender, by=officer)
            for bid in bids:
                for question in bid.lot.questions.all():
                    evaluation_actions.assign_evaluator(
                        question=question, evaluator=evaluator, by=officer
                    )
            evaluation_actions.declare_conflict(tender=tender, by=evaluator, has_conflict=False)
        with clock.frozen_at(moment("scored")):
            for bid in bids:
                questions = bid.lot.questions.order_by("number")
                for question, score in zip(questions, SCORES, strict=True):
                    evaluation_actions.score_answer(
                        bid=bid,
                        question=question,
                        by=evaluator,
                        score=score,
                        justification="Meets all elements of the requirement with clear evidence.",
                    )
                    evaluation_actions.moderate(
                        bid=bid,
                        question=question,
                        by=officer,
                        score=score,
                        rationale="Agreed at the moderation meeting.",
                    )
        with clock.frozen_at(moment("award_confirmed")):
            contract_actions.confirm_award(tender=tender, by=admin)
        with clock.frozen_at(moment("notice_published")):
            tender = contract_actions.publish_award_notice(tender=tender, by=officer)
        assert tender.standstill_ends_at is not None, "the award notice starts the standstill"
        assert tender.contract_start and tender.contract_end, "the tender says the term"
        recorded_at = tender.standstill_ends_at + timedelta(hours=10)
        for number, lot_spec in enumerate(spec["lots"], start=1):
            with clock.frozen_at(recorded_at):
                contract = contract_actions.record_contract(
                    lot=self._lot(tender, number),
                    by=officer,
                    value=lot_spec["value"],
                    start_date=tender.contract_start,
                    end_date=tender.contract_end,
                )
                if spec["critical"]:
                    contract = record_actions.update_contract(
                        contract=contract, by=officer, critical=True
                    )
            with clock.frozen_at(recorded_at + timedelta(days=2)):
                contract = contract_actions.sign_contract(contract=contract, by=admin)
            with clock.frozen_at(_at(start, 8)):
                contract = record_actions.go_live(contract=contract, by=officer)
            if spec.get("assessment"):
                self._assess(contract, officer, start, spec["assessment"])
            self.contracts[lot_spec["title"]] = contract

    def _bid(self, lot: Lot, spec: dict, at: datetime):
        supplier, user = self.suppliers[spec["supplier"]], self.supplier_users[spec["supplier"]]
        with clock.frozen_at(at):
            bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
            questions = list(lot.questions.order_by("number"))
            bid_actions.save_bid(
                bid=bid,
                by=user,
                price=spec["value"],
                answers={q.pk: a for q, a in zip(questions, spec["answers"], strict=True)},
            )
            for sub in spec["subcontractors"]:
                supplier_actions.add_subcontractor(bid=bid, by=user, **sub)
            bid_actions.submit_bid(bid=bid, by=user)
        return bid

    def _assess(self, contract, by, start: date, rating: str) -> None:
        """The assessment of the contract's first year (s.71), published as UK9."""
        year_end = _years_later(start, 1) - timedelta(days=1)
        with clock.frozen_at(_at(year_end + timedelta(days=12), 14)):
            performance_actions.record_assessment(
                contract=contract,
                by=by,
                period_start=start,
                period_end=year_end,
                rating=rating,
                narrative=data.ASSESSMENT_NARRATIVE,
            )

    def _lot(self, tender: Tender, number: int) -> Lot:
        # Fetched afresh: actions read the tender's state through lot.tender.
        return Lot.objects.select_related("tender").get(tender_id=tender.pk, number=number)

    def _let_elsewhere(self) -> None:
        """Sandbourne's home care contract with Meridian Home Care, let elsewhere and entered by
        hand, critical, live since its start."""
        spec = data.LET_ELSEWHERE
        buyer, people = self.councils["sandbourne"]
        officer, admin = people["officer"], people["admin"]
        key = spec["supplier"]
        start = self.loader.today + timedelta(days=spec["start_days"])
        with clock.frozen_at(_at(start - timedelta(days=15), 11)):
            contract = record_actions.enter_contract(
                buyer=buyer,
                by=officer,
                title=spec["title"],
                supplier_identifier=self.suppliers[key].supplier_profile.companies_house_number,
                value=spec["value"],
                start_date=start,
                end_date=_years_later(start, spec["years"]) - timedelta(days=1),
                supplier_contact_name=self.supplier_users[key].full_name,
                supplier_contact_email=self.supplier_users[key].email,
                critical=True,
            )
        with clock.frozen_at(_at(start - timedelta(days=13), 10)):
            contract = record_actions.sign_let_elsewhere(contract=contract, by=admin)
        with clock.frozen_at(_at(start, 8)):
            contract = record_actions.go_live(contract=contract, by=officer)
        self.contracts[spec["title"]] = contract

    # Living will, financial standing, scenario ---------------------------------------------------

    def _living_will(self) -> None:
        supplier = self.suppliers["meridian"]
        owner = self.supplier_users["meridian"]
        with clock.frozen_at(self.loader.moment(data.WILL_STARTED)):
            will = resilience_actions.start_living_will(supplier=supplier, by=owner)
        submitted = self.loader.moment(data.WILL_SUBMITTED)
        review_date = submitted.date() + timedelta(days=data.WILL_OWNER_REVIEW_DAYS)
        with clock.frozen_at(submitted):
            will = resilience_actions.edit_living_will(
                will=will, by=owner, content=data.VERSION_1, owner=owner, review_date=review_date
            )
            resilience_actions.submit_living_will(will=will, by=owner)
        with clock.frozen_at(self.loader.moment(data.DRAFT_EDITED)):
            resilience_actions.edit_living_will(
                will=will, by=owner, content=self._draft(), owner=owner, review_date=review_date
            )

    def _draft(self) -> dict:
        """Version 1 with the public contracts linked and more filled in."""
        more = data.DRAFT_ADDITIONS
        own = [
            self.contracts[lot["title"]].pk
            for spec in data.AWARDED
            for lot in spec["lots"]
            if lot["supplier"] == "meridian"
        ]
        services = [
            {**s, "people_served": more["people_served"].get(s["name"], s.get("people_served"))}
            for s in data.VERSION_1["services"]
        ]
        plans = [
            {**p, **more["plan_details"]} if p["service"] == data.SUPPORTED_LIVING else p
            for p in data.VERSION_1["plans"]
        ]
        return {
            **data.VERSION_1,
            "contracts": own,
            "other_contracts": more["other_contracts"],
            "services": services,
            "dependencies": more["dependencies"],
            "plans": plans,
        }

    def _readings(self) -> None:
        supplier = self.suppliers["meridian"]
        for code, value, recorded, notified in data.READINGS:
            at = self.loader.moment(recorded)
            with clock.frozen_at(at):
                reading = actions_financial.record_reading(
                    supplier=supplier,
                    indicator_code=code,
                    value=value,
                    as_of=at.date(),
                    by=self.team,
                )
            if notified:
                with clock.frozen_at(self.loader.moment(notified)):
                    actions_financial.record_breach_notified(
                        breach=BreachEvent.objects.get(reading=reading), by=self.team
                    )

    def _scenario(self) -> None:
        spec = data.SCENARIO
        with clock.frozen_at(self.loader.moment(spec["created"])):
            actions_scenarios.create_scenario(
                name=spec["name"],
                supplier_ids=[self.suppliers[spec["supplier"]].pk],
                as_of=self.loader.today + timedelta(days=spec["as_of_days"]),
                by=self.team,
            )


def load(loader) -> None:
    """Play the resilience demo through the actions (inside the loader's transaction)."""
    from levelfield.demo.data import DEMO_PASSWORD

    _Resilience(loader, DEMO_PASSWORD).run()
