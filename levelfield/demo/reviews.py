"""The demo's procurement review service (issue 18), played through the actions a person's
clicks call, each at its own moment with the clock frozen there (the content is
`reviews_data.py`): a review manager and a reviewer (platform roles given by the platform
admin), an anonymous concern taken to a published outcome, and a late payment accepted by the
system and awaiting the council's response.

`load(loader)` is called by the demo loader (`data._Loader.run`) in its transaction."""

from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from levelfield.accounts.models import User
from levelfield.contracts.actions import payments as payment_actions
from levelfield.contracts.models import Contract, InvoiceSource
from levelfield.core import clock
from levelfield.resilience import actions as resilience_actions
from levelfield.resilience.models import PlatformRoleKind
from levelfield.reviews import actions
from levelfield.reviews.models import Case, CaseKind
from levelfield.tenders.models import Tender

from . import reviews_data as data
from .contract_life_data import LET_ELSEWHERE


def emails() -> list[str]:
    """Every person this part of the demo creates (the loader refuses a database with any)."""
    return [data.REVIEW_MANAGER["email"], data.REVIEWER["email"]]


def logins(login) -> list:
    return [
        login(
            "Review manager (platform role)", "levelfield (platform)", data.REVIEW_MANAGER["email"]
        ),
        login("Reviewer (platform role)", "levelfield (platform)", data.REVIEWER["email"]),
    ]


def _pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    from .data import make_pdf  # data.py imports this module

    return SimpleUploadedFile(name, make_pdf(name, lines), content_type="application/pdf")


class _Reviews:
    def __init__(self, loader, password: str):
        self.loader = loader
        self.password = password
        self.platform_admin = User.objects.get(is_superuser=True)

    def at(self, spec: tuple[int, int]) -> datetime:
        return self.loader.moment(spec)

    def run(self, home_care_title: str, grounds_title: str) -> None:
        self.manager = self._team_member(data.REVIEW_MANAGER, PlatformRoleKind.REVIEW_MANAGER)
        self.reviewer = self._team_member(data.REVIEWER, PlatformRoleKind.REVIEWER)
        self._anonymous(Tender.objects.get(title=home_care_title))
        self._late_payment(Contract.objects.get(title=grounds_title))

    def _person(self, supplier_key: str) -> User:
        """The supplier's admin as now stored (the loader's copy predates their verified email)."""
        return User.objects.get(pk=self.loader.supplier_users[supplier_key].pk)

    def _team_member(self, spec, role) -> User:
        person = User.objects.create_user(spec["email"], self.password, full_name=spec["full_name"])
        with clock.frozen_at(self.at(spec["granted"])):
            resilience_actions.grant_platform_role(user=person, by=self.platform_admin, role=role)
        return person

    def _anonymous(self, tender: Tender) -> Case:
        spec = data.ANONYMOUS_CASE
        supplier = self.loader.suppliers[spec["supplier"]]
        raiser = self._person(spec["supplier"])
        with clock.frozen_at(self.at(spec["raised"])):
            case = actions.raise_case(
                by=raiser,
                kind=CaseKind.PROCUREMENT,
                description=spec["description"],
                raiser_organisation=supplier,
                buyer_may_know=False,
                tender=tender,
                evidence=[_pdf(*spec["evidence"])],
            )
        with clock.frozen_at(self.at(spec["accepted"])):
            # a county council: the wider public sector's 3 months (the tender, whose kind of
            # contract was never set, would say central government)
            actions.accept_case(case=case, by=self.reviewer, sector="wider")
        with clock.frozen_at(self.at(spec["asked"])):
            request = actions.request_response(
                case=case,
                by=self.reviewer,
                organisation=tender.buyer,
                question=spec["question"],
                due_on=clock.today_uk() + timedelta(days=spec["due_days"]),
            )
        with clock.frozen_at(self.at(spec["responded"])):
            actions.respond(
                request=request,
                by=self.loader.people["officer"],
                response=spec["response"],
                documents=[_pdf(*spec["response_document"])],
            )
        with clock.frozen_at(self.at(spec["findings_at"])):
            actions.record_findings(
                case=case,
                by=self.reviewer,
                findings=spec["findings"],
                recommendations=spec["recommendations"],
            )
        with clock.frozen_at(self.at(spec["followed_up"])):
            actions.record_follow_up(case=case, by=self.reviewer, note=spec["follow_up"])
        with clock.frozen_at(self.at(spec["closed"])):
            actions.close_case(
                case=case, by=self.manager, outcome=spec["outcome"], summary=spec["summary"]
            )
        with clock.frozen_at(self.at(spec["published"])):
            return actions.publish_outcome(
                case=case, by=self.manager, public_summary=spec["public_summary"]
            )

    def _late_payment(self, contract: Contract) -> Case:
        spec = data.LATE_PAYMENT_CASE
        received = self.at(spec["received"])
        with clock.frozen_at(received):
            invoice = payment_actions.record_invoice(
                contract=contract,
                by=self.loader.people["officer"],
                reference=spec["invoice_reference"],
                received_on=received.astimezone(clock.UK).date(),
                amount=spec["invoice_amount"],
                source=InvoiceSource.PAGE,
            )
        with clock.frozen_at(self.at(spec["raised"])):
            case = actions.raise_case(
                by=self._person(spec["supplier"]),
                kind=CaseKind.LATE_PAYMENT,
                description=spec["description"],
                invoice=invoice,
                buyer_may_know=True,
            )
        assert case.accepted_automatically, "the demo's invoice is valid and over 30 days unpaid"
        with clock.frozen_at(self.at(spec["asked"])):
            actions.request_response(
                case=case,
                by=self.reviewer,
                organisation=contract.buyer,
                question=spec["question"],
                due_on=clock.today_uk() + timedelta(days=spec["due_days"]),
            )
        return case


def load(loader, *, password: str, home_care_title: str) -> None:
    _Reviews(loader, password).run(home_care_title, LET_ELSEWHERE["title"])
