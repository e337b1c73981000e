"""The world the authorisation matrix is tried in, built once: the demo (two councils, their
staff, suppliers, tenders open, in evaluation and awarded, contracts a year into their life, a
living will, a failure scenario), played through the action functions, plus what the demo lacks
for some routes (a draft tender, a draft bid of the Trust with an attachment, a commitment and a
subcontractor, the evaluators who have not declared and who declared a conflict, ...), again
through the actions.

`World.scenes` names the objects a route is tried on: each scene maps URL parameter names to
values (``{"pk": 3, "lot_id": 5}``); a matrix entry names its scene."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core import mail

from levelfield.accounts import actions as account_actions
from levelfield.accounts.models import ApiToken, Membership, Organisation, Role, User
from levelfield.accounts.tasks import _send_invitation, verification_token
from levelfield.alerts import actions as alert_actions
from levelfield.bids import actions as bid_actions
from levelfield.bids import actions_uploads as upload_actions
from levelfield.bids.models import Bid
from levelfield.contracts.actions import checklists as checklist_actions
from levelfield.contracts.actions import outcomes as outcome_actions
from levelfield.contracts.actions import records as record_actions
from levelfield.contracts.models import (
    Contract,
    ContractChange,
    ContractNotice,
    Invoice,
    Kpi,
)
from levelfield.contracts.models.notices import NoticeType
from levelfield.core import clock
from levelfield.correspondence import actions as correspondence_actions
from levelfield.correspondence.models import MessageAttachment, Purpose
from levelfield.demo.data import HOME_CARE, load_demo
from levelfield.evaluation import actions as evaluation_actions
from levelfield.insights.actions_unit_costs import set_unit_cost
from levelfield.opendata.models import Release
from levelfield.resilience import actions as resilience_actions
from levelfield.resilience.models import (
    BreachEvent,
    LivingWill,
    PlatformRole,
    PlatformRoleKind,
    Scenario,
)
from levelfield.reviews import actions as review_actions
from levelfield.reviews.models import CaseKind, Outcome
from levelfield.socialvalue import actions as socialvalue_actions
from levelfield.socialvalue.models import (
    DeliveryReport,
    MeasurementFramework,
    Obligation,
    SocialValueModel,
)
from levelfield.socialvalue.selectors import measures_for
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import Certificate, Consortium, Size
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Clarification, Tender
from tests.support import testing

from . import roles as r
from .matrix_pages import MARKETPLACE_AREAS

SERVICE = {
    "name": "Home care, North Wessex",
    "authorities": ["Wessex County Council"],
    "people_served": 90,
}
LIBRARY = "Library public computers, printing and Wi-Fi"
DRAINAGE = "Highway drainage and verge maintenance 2027 to 2030"


@dataclass
class World:
    people: dict[str, User | None] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    # The organisation a role's session acts for, where the person is on more than one's staff
    acting_for: dict[str, Organisation] = field(default_factory=dict)
    scenes: dict[str, dict] = field(default_factory=dict)


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _two_organisations(other_supplier_admin: User, council: Organisation):
    """The other supplier's second admin, who then joined the council's staff as an officer;
    and that supplier."""
    supplier = Membership.objects.get(user=other_supplier_admin).organisation
    person = testing.member(supplier, Role.SUPPLIER_ADMIN, full_name="Dana Dual")
    Membership.objects.create(user=person, organisation=council, role=Role.BUYER_OFFICER)
    return person, supplier


def _review_manager() -> User:
    """A person given the platform role review manager by the platform admin."""
    person = testing.UserFactory(full_name="Rhian Reviewer", email="rhian.reviewer@example.org")
    resilience_actions.grant_platform_role(
        user=person,
        by=_user("platform.admin@levelfield.example"),
        role=PlatformRoleKind.REVIEW_MANAGER,
    )
    return person


def _review_cases(world: World, tender, buyer, raiser_org, raiser) -> dict[str, dict]:
    team = world.people[r.REVIEW_TEAM]
    due = clock.today_uk() + timedelta(days=14)
    case = review_actions.raise_case(
        by=raiser,
        kind=CaseKind.PROCUREMENT,
        description="The insurance asked for is out of proportion.",
        raiser_organisation=raiser_org,
        tender=tender,
        evidence=[testing.pdf("our-insurance-quote.pdf")],
    )
    review_actions.accept_case(case=case, by=team)
    request = review_actions.request_response(
        case=case, by=team, organisation=buyer, question="Why this cover?", due_on=due
    )
    closed = review_actions.raise_case(
        by=raiser,
        kind=CaseKind.PROCUREMENT,
        description="The tender window was short.",
        raiser_organisation=raiser_org,
        tender=tender,
    )
    review_actions.accept_case(case=closed, by=team)
    review_actions.close_case(
        case=closed, by=team, outcome=Outcome.NO_FURTHER_ACTION, summary="Within the rules."
    )
    review_actions.publish_outcome(
        case=closed, by=team, public_summary="The council's tender window met the rules."
    )
    return {
        "review_case": {
            "pk": case.pk,
            "case_id": case.pk,
            "request_id": request.pk,
            "organisation_id": buyer.pk,
            "number": 1,
        },
        "review_published": {"pk": closed.pk, "case_id": closed.pk},
    }


def _review_named(world: World, buyer, raiser_org, raiser, buyer_admin) -> dict[str, dict]:
    """A late payment the Trust let the council know it raised, with its evidence, answered by
    the council with a document (the pages offering those files to the council)."""
    team = world.people[r.REVIEW_TEAM]
    named = review_actions.raise_case(
        by=raiser,
        kind=CaseKind.LATE_PAYMENT,
        description="Our invoice has been unpaid for two months.",
        buyer_may_know=True,
        raiser_organisation=raiser_org,
        authority=buyer,
        invoice_reference="INV-77",
        invoice_amount="1250.00",
        invoice_received_on=clock.today_uk() - timedelta(days=60),
        evidence=[testing.pdf("invoice-77.pdf")],
    )
    review_actions.accept_case(case=named, by=team)
    asked = review_actions.request_response(
        case=named,
        by=team,
        organisation=buyer,
        question="When will you pay?",
        due_on=clock.today_uk() + timedelta(days=14),
    )
    review_actions.respond(
        request=asked, by=buyer_admin, response="Paid today.", documents=[testing.pdf("paid.pdf")]
    )
    return {"review_named": {"pk": named.pk, "request_id": asked.pk, "number": 1}}


def build() -> World:
    load_demo()
    world = World()
    wessex, sandbourne = _org("Wessex County Council"), _org("Sandbourne Borough Council")
    trust, cic = _org("Wessex Community Care Trust"), _org("Three Rivers Care CIC")
    admin, officer = _user("helen.marsh@wessex.example"), _user("daniel.okafor@wessex.example")
    evaluator = _user("priya.shah@wessex.example")
    trust_admin = _user("fatima.rahman@wessextrust.example")
    undeclared = testing.member(wessex, Role.EVALUATOR, full_name="Una Undeclared")
    conflicted = testing.member(wessex, Role.EVALUATOR, full_name="Connor Conflicted")
    trust_member = testing.member(trust, Role.SUPPLIER_MEMBER, full_name="Sunil Member")
    world.people = {
        r.ANONYMOUS: None,
        r.SUPPLIER_ADMIN: trust_admin,
        r.SUPPLIER_MEMBER: trust_member,
        r.CONSORTIUM_MEMBER: _user("owen.davies@threerivers.example"),
        r.OTHER_SUPPLIER: _user("gareth.price@tarranthighways.example"),
        r.BUYER_ADMIN: admin,
        r.BUYER_OFFICER: officer,
        r.EVALUATOR: evaluator,
        r.EVALUATOR_UNDECLARED: undeclared,
        r.EVALUATOR_CONFLICTED: conflicted,
        r.OTHER_BUYER: _user("martin.greaves@sandbourne.example"),
        r.PLATFORM_ADMIN: _user("platform.admin@levelfield.example"),
        r.RESILIENCE_TEAM: _user("nadia.kowalski@levelfield.example"),
        r.REVIEW_TEAM: _review_manager(),
    }
    two, supplier = _two_organisations(world.people[r.OTHER_SUPPLIER], wessex)
    world.people[r.TWO_ORGANISATIONS] = two
    world.acting_for[r.TWO_ORGANISATIONS] = supplier
    assert Membership.objects.filter(user=world.people[r.CONSORTIUM_MEMBER], organisation=cic)
    for role, person in world.people.items():
        if person is not None:
            _token, secret = account_actions.create_api_token(user=person, name="matrix")
            world.tokens[role] = secret

    # Tenders: a draft, the open library tender, drainage in evaluation, home care awarded.
    draft = testing.draft_tender(buyer=wessex, by=officer, title="Draft: school meals")
    library = Tender.objects.get(title=LIBRARY)
    drainage = Tender.objects.get(title=DRAINAGE)
    home_care = Tender.objects.get(title=HOME_CARE["title"])
    evaluation_actions.declare_conflict(
        tender=drainage, by=conflicted, has_conflict=True, details="My brother bids."
    )
    draft_question = draft.lots.get().questions.first()
    document = tender_actions.add_document(
        tender=draft, by=officer, title="Spec", doc_type="specification", upload=testing.pdf()
    )
    library_lot = library.lots.order_by("number").first()
    question = tender_actions.ask_question(
        tender=library, by=trust_admin, organisation=trust, question="Is parking provided?"
    )
    other_question = Clarification.objects.filter(tender=library).exclude(pk=question.pk).first()
    barrier_code = "insurance_before_award"
    world.scenes["none"] = {}
    world.scenes["tender_draft"] = {
        "pk": draft.pk,
        "tender_id": draft.pk,
        "lot_id": draft.lots.get().pk,
        "question_id": draft_question.pk,
        "document_id": document.pk,
        "code": barrier_code,
    }
    world.scenes["tender_open"] = {
        "pk": library.pk,
        "tender_id": library.pk,
        "reference": library.reference,
        "lot_id": library_lot.pk,
        "question_id": library_lot.questions.first().pk,
        "clarification_id": question.pk,
        "document_id": library.documents.first().pk,
    }
    world.scenes["clarification_other"] = {
        **world.scenes["tender_open"],
        "clarification_id": other_question.pk,
    }

    drainage_bid = Bid.objects.filter(lot__tender=drainage).order_by("pk").first()
    world.scenes["tender_evaluating"] = {
        "pk": drainage.pk,
        "tender_id": drainage.pk,
        "reference": drainage.reference,
        "bid_id": drainage_bid.pk,
        "question_id": drainage_bid.lot.questions.order_by("number").first().pk,
        "lot_id": drainage_bid.lot_id,
        "evaluator_id": evaluator.pk,
    }
    contract = Contract.objects.get(lot__tender=home_care)
    won = Bid.objects.get(lot__tender=home_care, supplier=trust)
    world.scenes["tender_awarded"] = {
        "pk": home_care.pk,
        "tender_id": home_care.pk,
        "reference": home_care.reference,
        "lot_id": contract.lot_id,
        "contract_id": contract.pk,
        "bid_id": won.pk,
    }

    # The Trust's draft bid on the open library tender, with what a bid carries.
    with clock.frozen_at(clock.now()):
        bid = bid_actions.start_bid(lot=library_lot, supplier=trust, by=trust_admin)
    questions = list(library_lot.questions.order_by("number"))
    bid_actions.save_bid(
        bid=bid,
        by=trust_admin,
        price=Decimal("250000"),
        answers={q.pk: "Our answer." for q in questions},
    )
    attachment = bid_actions.add_attachment(
        bid=bid, by=trust_admin, title="Method statement", upload=testing.pdf("method.pdf")
    )
    subcontractor = supplier_actions.add_subcontractor(
        bid=bid,
        by=trust_admin,
        name="Shaston Couriers",
        size=Size.MICRO,
        share_percent=Decimal("5"),
        description="Deliveries.",
    )
    measure = measures_for(library)[0]
    commitment = socialvalue_actions.add_commitment(
        bid=bid,
        by=trust_admin,
        question=library_lot.questions.get(kind="social_value"),
        measure=measure,
        description="apprenticeships",
        quantity=Decimal("2"),
        contract_year=1,
        location="Wessex",
        beneficiaries="young people",
    )
    world.scenes["bid_draft"] = {
        "bid_id": bid.pk,
        "lot_id": library_lot.pk,
        "reference": library.reference,
        "question_id": questions[0].pk,
        "attachment_id": attachment.pk,
        "subcontractor_id": subcontractor.pk,
        "commitment_id": commitment.pk,
    }
    try:
        upload = upload_actions.begin_upload(
            bid=bid, by=trust_admin, filename="plans.pdf", length=10, title="Plans"
        )
    except Exception as error:  # noqa: BLE001 - the route is skipped, naming why
        world.scenes["bid_upload"] = {"bid_id": bid.pk, "token": None, "why": repr(error)}
    else:
        world.scenes["bid_upload"] = {"bid_id": bid.pk, "token": upload.token}
    world.scenes["bid_won"] = {"bid_id": won.pk, "reference": home_care.reference}

    # The home care contract, a year into its life, and what hangs off it.
    kpi = Kpi.objects.filter(contract=contract).order_by("pk").first()
    invoice = Invoice.objects.filter(contract=contract).order_by("pk").first()
    change = ContractChange.objects.filter(contract=contract).order_by("number").first()
    contract_document = record_actions.add_document(
        contract=contract, by=admin, title="Signed contract", upload=testing.pdf("signed.pdf")
    )
    priced = outcome_actions.add_priced_outcome(
        contract=contract, by=admin, name="People reabled", unit_price="500", budget="50000"
    )
    today = clock.today_uk()
    claim = outcome_actions.claim_outcome(
        outcome=priced,
        by=trust_admin,
        period_start=today - timedelta(days=30),
        period_end=today - timedelta(days=1),
        quantity=3,
        narrative="Three people reabled.",
        evidence=testing.pdf("evidence.pdf"),
    )
    obligation = Obligation.objects.filter(contract=contract).order_by("pk").first()
    delivery = DeliveryReport.objects.filter(obligation__contract=contract).order_by("pk").first()
    option = contract.options.order_by("pk").first()
    world.scenes["contract"] = {
        "pk": contract.pk,
        "contract_id": contract.pk,
        "kpi_id": kpi.pk,
        "period": 1,
        "invoice_id": invoice.pk,
        "number": change.number,
        "document_id": contract_document.pk,
        "outcome_id": priced.pk,
        "claim_id": claim.pk,
        "record_id": contract.outcomes.order_by("pk").first().pk,
        "item_id": contract.checklist.order_by("pk").first().pk,
        "obligation_id": obligation.pk,
        "report_id": delivery.pk,
        "evidence_id": delivery.evidence.order_by("pk").first().pk,
        "option_id": option.pk if option else None,
    }
    world.scenes["contract_obligation"] = {"contract_id": contract.pk, "number": obligation.number}
    world.scenes["contract_other_buyer"] = {
        "pk": Contract.objects.filter(buyer=sandbourne).order_by("pk").first().pk,
    }
    checklist_actions.add_template_item(
        buyer=wessex,
        by=admin,
        stage="mobilisation",
        text="Meet the team",
        anchor="start",
        offset_days=0,
    )
    world.scenes["checklist_template"] = {"stage": "mobilisation", "position": 1, "direction": "up"}
    world.scenes["people"] = {"user_id": _user("tom.hughes@wessex.example").pk}
    compliance = ContractNotice.objects.filter(
        buyer=wessex, notice_type=NoticeType.UK17, contract=None
    ).first()
    world.scenes["payments_compliance"] = {
        "buyer_id": wessex.pk,
        "key": compliance.key if compliance else None,
    }
    world.scenes["register_download"] = {"kind": "csv"}

    # Suppliers' own things.
    consortium = Consortium.objects.get(lead=trust)
    member = consortium.members.get(organisation=cic)
    invited = consortium.members.get(status="invited")
    world.scenes["consortium"] = {
        "pk": consortium.pk,
        "consortium_id": consortium.pk,
        "member_id": member.pk,
    }
    world.scenes["consortium_bid"] = {"consortium_id": consortium.pk, "lot_id": library_lot.pk}
    world.scenes["consortium_invitation"] = {"member_id": invited.pk, "answer": "accept"}
    certificate = Certificate.objects.filter(organisation=trust).order_by("pk").first()
    world.scenes["certificate"] = {"certificate_id": certificate.pk if certificate else None}
    token = ApiToken.objects.filter(user=trust_admin).get()
    world.scenes["api_token"] = {"token_id": token.pk}
    world.scenes["organisation"] = {"organisation_id": trust.pk}
    saved = alert_actions.save_search(
        user=trust_admin, organisation=trust, name="Care", params={"q": "care"}
    )
    world.scenes["saved_search"] = {"pk": saved.pk}

    # The council writes privately to the Trust about its home care bid.
    thread = correspondence_actions.start_thread(
        tender=home_care,
        supplier=trust,
        by=officer,
        purpose=Purpose.OTHER,
        subject="Your bid",
        body="Please confirm your start date.",
        attachments=[testing.pdf("letter.pdf")],
    )
    world.scenes["thread"] = {
        "pk": thread.pk,
        "thread_id": thread.pk,
        "tender_id": home_care.pk,
        "attachment_id": MessageAttachment.objects.get(message__thread=thread).pk,
    }

    # Social value.
    framework = MeasurementFramework.objects.filter(buyer=wessex).first()
    world.scenes["framework"] = {"framework_id": framework.pk}

    # Resilience: the Trust keeps a living will (one service, submitted once); Meridian's is
    # the one the team reads.
    will = resilience_actions.start_living_will(supplier=trust, by=trust_admin)
    content = {**will.draft, "services": [SERVICE]}
    resilience_actions.edit_living_will(
        will=will,
        by=trust_admin,
        content=content,
        owner=trust_admin,
        review_date=clock.today_uk() + timedelta(days=90),
    )
    resilience_actions.submit_living_will(will=will, by=trust_admin)
    meridian_will = LivingWill.objects.exclude(supplier=trust).get()
    world.scenes["will"] = {"section": "services", "number": 1}
    world.scenes["will_read"] = {
        "pk": meridian_will.pk,
        "will_id": meridian_will.pk,
        "number": 1,
    }
    scenario = Scenario.objects.get()
    world.scenes["scenario"] = {"pk": scenario.pk, "scenario_id": scenario.pk}
    breach = BreachEvent.objects.order_by("pk").first()
    world.scenes["financial"] = {
        "pk": meridian_will.supplier_id,
        "supplier_id": meridian_will.supplier_id,
        "breach_id": breach.pk,
    }
    world.scenes["breach"] = {"pk": breach.pk}
    grant = PlatformRole.objects.get(role=PlatformRoleKind.RESILIENCE_TEAM)
    world.scenes["platform_role"] = {"pk": grant.pk}
    world.scenes["strategic"] = {"pk": meridian_will.supplier_id}

    # The review service: the Trust's anonymous concern about the open library tender,
    # accepted, the council asked to respond; and a closed case whose outcome is published.
    world.scenes.update(_review_cases(world, library, wessex, trust, trust_admin))
    world.scenes.update(_review_named(world, wessex, trust, trust_admin, admin))

    # The marketplace: each part adds its objects and names its scenes.
    for area in MARKETPLACE_AREAS:
        world.scenes.update(area.scenes(world))

    # Insights.
    cost = set_unit_cost(
        by=admin, organisation=wessex, unit="hours", cost_per_unit="20", cpv_division="85"
    )
    world.scenes["unit_cost"] = {"pk": cost.pk, "cost_id": cost.pk}
    world.scenes["insights_download"] = {"name": None, "why": "no insights snapshot is built"}
    world.scenes["spend_unmatched"] = {"unbuilt": "no unmatched spend supplier is built"}
    world.scenes["download"] = {"name": None, "why": "no bulk download is built"}

    # Open data.
    release = Release.objects.order_by("pk").first()
    world.scenes["ocds"] = {"release_id": release.release_id, "ocid": release.ocid}
    world.scenes["social_value_model"] = {"model_id": SocialValueModel.objects.first().pk}

    # Links that are not valid: the pages saying so are for anyone.
    world.scenes["reset_link"] = {"uidb64": "MQ", "token": "not-a-token"}
    world.scenes["verify_link"] = {"token": verification_token(trust_member)}
    invitation = account_actions.invite_member(
        organisation=wessex, by=admin, email="new.officer@example.org", role=Role.BUYER_OFFICER
    )
    mail.outbox = []
    _send_invitation(invitation.pk)
    link = re.search(r"/account/invitation/([^/\s]+)/", mail.outbox[-1].body)
    world.scenes["invitation_link"] = {"token": link.group(1)}
    return world
