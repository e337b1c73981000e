"""Test builders: factory_boy for people and organisations; procurements are built by calling
the same action functions a user's clicks call, so tests never write state directly."""

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend

from levelfield.accounts.models import Membership, Organisation, Role, User
from levelfield.bids import actions as bid_actions
from levelfield.core import clock
from levelfield.evaluation import actions as evaluation_actions
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import exclusions
from levelfield.suppliers.models import (
    ExclusionDeclaration,
    Liability,
    MemberRole,
    Region,
    Size,
    SupplierProfile,
)
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Question, Tender

if TYPE_CHECKING:
    from levelfield.contracts.models import Contract

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.BUYER


def buyer_org(name: str = "Shire County Council") -> Organisation:
    return OrganisationFactory(name=name, kind=Organisation.Kind.BUYER)


def member(organisation: Organisation, role: str, **user_fields) -> User:
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def supplier_org(
    name: str | None = None,
    *,
    size: str = Size.SMALL,
    is_vcse: bool = False,
    region: str = Region.SOUTH_WEST,
    declared: bool = True,
) -> Organisation:
    """A registered supplier with a profile and, unless `declared` is False, an exclusion
    declaration (no ground applies) made 180 days ago, so that it can bid for the next six
    months of clock time."""
    organisation = OrganisationFactory(
        kind=Organisation.Kind.SUPPLIER, **({"name": name} if name else {})
    )
    SupplierProfile.objects.create(
        organisation=organisation,
        legal_name=organisation.name,
        size=size,
        is_vcse=is_vcse,
        region=region,
    )
    if declared:
        declared_at = clock.now() - timedelta(days=180)
        ExclusionDeclaration.objects.create(
            organisation=organisation,
            grounds_version=exclusions.PA2023.code,
            answers=exclusions.no_grounds(),
            declared_at=declared_at,
            expires_at=declared_at + timedelta(days=365),
        )
    return organisation


def supplier_with_user(name: str | None = None, **profile) -> tuple[Organisation, User]:
    organisation = supplier_org(name, **profile)
    return organisation, member(organisation, Role.SUPPLIER_ADMIN)


def accepted_consortium(
    *, lead: Organisation, lead_admin: User, member: Organisation, member_admin: User, name: str
):
    """A consortium led by `lead` (jointly and severally liable) whose `member` has accepted:
    what a consortium's bid needs."""
    consortium = supplier_actions.create_consortium(
        lead=lead, by=lead_admin, name=name, liability=Liability.JOINT_AND_SEVERAL
    )
    invitation = supplier_actions.invite_to_consortium(
        consortium=consortium, by=lead_admin, organisation=member, role=MemberRole.MEMBER
    )
    supplier_actions.respond_to_consortium(member=invitation, by=member_admin, accept=True)
    return consortium


def pdf(
    name: str = "specification.pdf", body: bytes = b"%PDF-1.4 test document"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def draft_tender(
    *,
    buyer: Organisation,
    by: User,
    price_weight=Decimal("40"),
    questions=(("quality", Decimal("50")), ("social_value", Decimal("10"))),
    formula="lowest_price",
    threshold=None,
    tie_break="highest_quality",
    days_to_deadline: int = 30,
    title: str = "Home care services",
) -> Tender:
    """A complete draft that passes every publication rule."""
    now = clock.now()
    deadline = now + timedelta(days=days_to_deadline)
    tender = tender_actions.create_tender(
        buyer=buyer,
        by=by,
        title=title,
        description="Care at home for adults in the county, across four localities.",
        cpv_codes=["85300000"],
        estimated_value=Decimal("1200000"),
        region=Region.SOUTH_WEST,
        suitable_for_sme=True,
        suitable_for_vcse=True,
        clarification_deadline=deadline - timedelta(days=7),
        submission_deadline=deadline,
        expected_award_date=(deadline + timedelta(days=30)).date(),
        contract_start=(deadline + timedelta(days=60)).date(),
        contract_end=(deadline + timedelta(days=60 + 3 * 365)).date(),
    )
    lot = tender.lots.get()
    tender_actions.update_lot(
        lot=lot,
        by=by,
        price_weight=Decimal(price_weight),
        price_formula=formula,
        quality_threshold=threshold,
        tie_break=tie_break,
    )
    for kind, weight in questions:
        tender_actions.add_question(
            lot=lot,
            by=by,
            kind=kind,
            weight=Decimal(weight),
            text=f"Describe your approach ({kind.replace('_', ' ')}).",
        )
    return tender


def published_tender(**kwargs) -> Tender:
    by = kwargs["by"]
    return tender_actions.publish_tender(tender=draft_tender(**kwargs), by=by)


def submitted_bid(*, tender: Tender, supplier: Organisation, by: User, price, lot=None):
    lot = lot or tender.lots.first()
    bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=by)
    answers = {q.pk: f"Our answer to question {q.number}." for q in lot.questions.all()}
    bid_actions.save_bid(bid=bid, by=by, price=Decimal(price), answers=answers)
    bid_actions.submit_bid(bid=bid, by=by)
    bid.refresh_from_db()
    return bid


def score_everything(
    *, tender: Tender, officer: User, evaluator: User, scores: dict[tuple[int, int], int]
) -> None:
    """Assign `evaluator` to every question, declare, score and moderate.
    `scores` maps (bid id, question number) to the agreed score."""
    evaluation_actions.declare_conflict(tender=tender, by=evaluator, has_conflict=False)
    for lot in tender.lots.all():
        for question in lot.questions.all():
            evaluation_actions.assign_evaluator(question=question, evaluator=evaluator, by=officer)
    for (bid_id, number), score in scores.items():
        from levelfield.bids.models import Bid

        bid = Bid.objects.get(pk=bid_id)
        question = Question.objects.get(lot=bid.lot, number=number)
        evaluation_actions.score_answer(
            bid=bid,
            question=question,
            by=evaluator,
            score=score,
            justification="Meets the requirement as described.",
        )
        evaluation_actions.moderate(
            bid=bid, question=question, by=officer, score=score, rationale="Agreed at moderation."
        )


def after_deadline(tender: Tender, minutes: int = 1):
    """Run what follows as of a little after the tender's submission deadline."""
    return clock.frozen_at(tender.submission_deadline + timedelta(minutes=minutes))


@dataclass
class SignedContract:
    contract: "Contract"
    buyer: Organisation
    buyer_admin: User
    officer: User
    supplier: Organisation
    supplier_user: User


def signed_contract(
    *,
    value="100000",
    buyer: Organisation | None = None,
    supplier: tuple[Organisation, User] | None = None,
    years: int = 3,
) -> SignedContract:
    """A contract awarded on the platform and signed, through the actions people use: tender,
    one bid, evaluation, award, award notice, standstill, record, sign. The clock is back to
    now afterwards; the contract starts about 90 days from now and runs `years` years."""
    from levelfield.contracts import actions as contract_actions

    buyer = buyer or buyer_org()
    admin = member(buyer, Role.BUYER_ADMIN)
    officer = member(buyer, Role.BUYER_OFFICER)
    evaluator = member(buyer, Role.EVALUATOR)
    supplier_organisation, supplier_user = supplier or supplier_with_user()
    tender = published_tender(buyer=buyer, by=officer)
    bid = submitted_bid(
        tender=tender, supplier=supplier_organisation, by=supplier_user, price=value
    )
    with after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid.pk, 1): 75, (bid.pk, 2): 75},
        )
        contract_actions.confirm_award(tender=tender, by=admin)
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
    lot = tender.lots.get()
    start = tender.contract_start
    with clock.frozen_at(tender.standstill_ends_at + timedelta(hours=1)):
        contract = contract_actions.record_contract(
            lot=lot,
            by=officer,
            value=Decimal(value),
            start_date=start,
            end_date=start.replace(year=start.year + years) - timedelta(days=1),
        )
        contract = contract_actions.sign_contract(contract=contract, by=admin)
    contract.refresh_from_db()
    return SignedContract(contract, buyer, admin, officer, supplier_organisation, supplier_user)


def run_db_worker() -> None:
    """Run every task waiting in the database task queue, as `levelfield db_worker --batch`
    does, inside the test's transaction: the worker's checks for stale connections would close
    the test's own connection, so they are skipped."""
    import signal
    from unittest import mock

    from django.core.management import call_command

    # The worker handles SIGINT, SIGTERM and SIGQUIT itself and leaves its handlers behind: a
    # process forked later in the same test run (the importer's pool) would then ignore the
    # SIGTERM that ends it, and the run would wait for it for ever.
    caught = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]
    handlers = {number: signal.getsignal(number) for number in caught}
    try:
        with mock.patch(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        ):
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def waiting_runs(task_path: str):
    """The runs of a task (by its path) the database task queue still has to do."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status="READY")


def run_db_worker_as_time_passes(task_path: str, *, most: int = 20) -> int:
    """Run the database task queue until no run of the task waits, letting the time a run
    queued for later waits pass at once (a failed email's next try, say). Returns how many times
    the worker ran."""
    from django.utils import timezone

    runs = 0
    while waiting_runs(task_path).exists():
        assert runs < most, f"{task_path} still waits after {most} runs"
        waiting_runs(task_path).update(run_after=timezone.now() - timedelta(seconds=1))
        run_db_worker()
        runs += 1
    return runs


class RefusingMailServer(BaseEmailBackend):
    """An email backend (settings.EMAIL_BACKEND = "tests.support.testing.RefusingMailServer") that
    refuses every recipient, naming it in its error, as SMTP servers do."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


def resilience_team_member(**user_fields) -> User:
    """A person given the platform's resilience team role by a platform admin."""
    from levelfield.resilience.actions import grant_platform_role

    admin = UserFactory(is_superuser=True, is_staff=True)
    person = UserFactory(**user_fields)
    grant_platform_role(user=person, by=admin)
    return person


def contract_let_elsewhere(
    *,
    buyer: Organisation,
    supplier: Organisation,
    value="120000",
    start_date,
    end_date,
    critical: bool = False,
    title: str = "Services",
    signed: bool = True,
):
    """A contract let elsewhere, entered by hand and (unless `signed` is False) signed by a
    buyer admin, through the actions a buyer uses: quick, with no tender (so no CPV codes nor
    region). The supplier is named by its levelfield identifier."""
    from levelfield.contracts.actions import records

    admin = member(buyer, Role.BUYER_ADMIN)
    contract = records.enter_contract(
        buyer=buyer,
        by=admin,
        title=title,
        supplier_identifier=f"GB-LEVELFIELD-{supplier.pk}",
        value=Decimal(value),
        start_date=start_date,
        end_date=end_date,
        critical=critical,
    )
    if signed:
        contract = records.sign_let_elsewhere(contract=contract, by=admin)
    return contract


def review_team_member(*, manager: bool = False, **user_fields) -> User:
    """A person given the platform role reviewer (or, with `manager`, review manager) by a
    platform admin: the procurement review service's team."""
    from levelfield.resilience.actions import grant_platform_role
    from levelfield.resilience.models import PlatformRoleKind

    admin = UserFactory(is_superuser=True, is_staff=True)
    person = UserFactory(**user_fields)
    role = PlatformRoleKind.REVIEW_MANAGER if manager else PlatformRoleKind.REVIEWER
    grant_platform_role(user=person, by=admin, role=role)
    return person
