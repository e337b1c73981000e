"""A supplier's profile, exclusion declaration, certificates, consortia and a bid's
subcontractors. Every read starts from the organisation the caller acts for; every change is a
suppliers (or bids) action, which checks permission again."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid
from levelfield.bids.schemas import SupplierBidOut
from levelfield.core import clock
from levelfield.core.api_helpers import (
    OWN_OBJECT_ERRORS,
    SIGNED_IN_ERRORS,
    DecimalString,
    FormInput,
    InputSchema,
    MoneyIn,
    PercentIn,
    UtcDateTime,
    errors,
)
from levelfield.core.errors import DomainError
from levelfield.tenders.models import Lot, Tender

from . import actions, selectors
from .exclusions import ground_set_for
from .models import (
    MAX_STAFF,
    CertificateKind,
    ConsortiumMember,
    Liability,
    MemberRole,
    Region,
    Size,
    VcseType,
)

router = Router(auth=api_auth, tags=["Supplier: profile, consortia and subcontractors"])


# --- Schemas ---------------------------------------------------------------------------------


class ProfileOut(Schema):
    organisation_id: int
    platform_identifier: str = Field(description="GB-LEVELFIELD-<id>, as published in OCDS")
    legal_name: str
    companies_house_number: str
    charity_number: str
    size: Size = Field(description="micro, small, medium or large")
    is_sme: bool
    size_worked_out: bool = Field(
        description="True when the size was worked out from the figures; false when declared"
    )
    size_definition: str = Field(description="The size definition used, or empty")
    size_explanation: list[str] = Field(description="How the size was worked out, step by step")
    staff_headcount: int | None
    annual_turnover: DecimalString | None
    balance_sheet_total: DecimalString | None
    is_vcse: bool
    vcse_type: str = Field(description="charity, cic, cooperative, mutual, ... or empty")
    region: Region
    regions_served: list[str]
    cpv_interests: list[str]

    @staticmethod
    def resolve_size_worked_out(obj) -> bool:
        return obj.size_is_computed

    @staticmethod
    def resolve_size_definition(obj) -> str:
        return obj.size_basis

    @staticmethod
    def resolve_size_explanation(obj) -> list[str]:
        result = obj.size_result()
        return list(result.steps) if result else []

    @staticmethod
    def resolve_regions_served(obj) -> list[str]:
        return [r.region for r in obj.served_regions.all()]

    @staticmethod
    def resolve_cpv_interests(obj) -> list[str]:
        return [c.code for c in obj.cpv_interests.all()]


class ProfileIn(InputSchema):
    legal_name: str = Field(max_length=200)
    companies_house_number: str = ""
    charity_number: str = Field("", description="1234567, SC012345 or NIC100001")
    vcse_type: VcseType | None = Field(None, description="Leave out when not a VCSE")
    declared_size: Size | None = Field(None, description="Used only without figures")
    staff_headcount: int | None = Field(None, ge=0, le=MAX_STAFF)
    annual_turnover: MoneyIn | None = None
    balance_sheet_total: MoneyIn | None = None
    region: Region
    regions_served: list[Region] = []
    cpv_interests: list[str] = Field([], description="CPV codes of 2 to 8 digits")


class GroundOut(Schema):
    code: str
    kind: str = Field(description="mandatory or discretionary")
    title: str
    question: str
    source: str


class GroundsOut(Schema):
    version: str
    source: str
    valid_for_years: int
    grounds: list[GroundOut]


class ExclusionAnswerIn(InputSchema):
    ground: str = Field(description="A ground's code from /supplier/exclusion-grounds")
    applies: bool
    details: str = Field("", description="What happened and when; needed where it applies")


class ExclusionDeclarationIn(InputSchema):
    answers: list[ExclusionAnswerIn] = Field(description="One answer for every ground")


class ExclusionDeclarationOut(Schema):
    id: int
    grounds_version: str
    declared_at: UtcDateTime
    expires_at: UtcDateTime
    current: bool
    mandatory_grounds: list[str] = Field(description="Mandatory grounds declared to apply")
    discretionary_grounds: list[str]
    answers: dict

    @staticmethod
    def resolve_current(obj) -> bool:
        return obj.is_current(clock.now())


class CertificateOut(Schema):
    id: int
    kind: str
    name: str
    number: str
    issuer: str
    expires_on: date
    sha256: str


class MemberOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    role: MemberRole
    status: str = Field(
        description="invited, accepted, declined, withdrawn (the lead took the invitation "
        "back), removed (by the lead) or left"
    )
    invited_at: UtcDateTime
    responded_at: UtcDateTime | None
    ended_at: UtcDateTime | None = Field(
        description="When the invitation was withdrawn, or the member removed or left"
    )
    guarantee_given: bool | None = Field(
        description="Liability lead_with_guarantees only: whether the member has given the lead "
        "its guarantee, as the lead recorded it (null: not recorded)"
    )
    guarantee_note: str = Field(description="What the guarantee is, as the lead recorded it")

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name


class ConsortiumOut(Schema):
    id: int
    organisation_id: int = Field(
        description="The consortium's own organisation: the supplier of its bids"
    )
    name: str
    lead_id: int
    lead: str
    liability: Liability
    created_at: UtcDateTime
    members: list[MemberOut]

    @staticmethod
    def resolve_lead(obj) -> str:
        return obj.lead.name

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


class ConsortiumIn(InputSchema):
    name: str = Field(max_length=200)
    liability: Liability


class InviteIn(InputSchema):
    identifier: str = Field(description="levelfield identifier or Companies House number")
    role: MemberRole = Field(description="member or key_subcontractor")


class GuaranteeIn(InputSchema):
    given: bool
    note: str = Field(
        "", description="What it covers, up to what amount, who signed; needed when given is true"
    )


class SubcontractorOut(Schema):
    id: int
    organisation_id: int | None = Field(description="The registered supplier, if linked")
    name: str
    companies_house_number: str
    size: Size
    is_vcse: bool
    share_percent: DecimalString
    description: str
    relied_on: bool


class SubcontractorIn(InputSchema):
    identifier: str = Field("", description="A registered supplier's identifier, to link it")
    name: str = Field("", max_length=200)
    companies_house_number: str = ""
    size: Size | None = None
    is_vcse: bool = False
    share_percent: PercentIn
    description: str
    relied_on: bool = False


class MessageOut(Schema):
    message: str


# --- Profile and declaration -----------------------------------------------------------------


def _profile(request):
    organisation = acting_supplier(request)
    profile = selectors.profile_of(organisation)
    if profile is None:
        raise Http404("This organisation has no supplier profile")
    return profile


@router.get(
    "/profile",
    response={200: ProfileOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_profile_get",
    summary="Your organisation's supplier profile",
    description="With the size and, when it was worked out from your figures, how.",
)
def get_profile(request):
    return _profile(request)


@router.put(
    "/profile",
    response={200: ProfileOut, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="supplier_profile_update",
    summary="Change your supplier profile (admins)",
    description="Send every field. With `staff_headcount` and a turnover or balance sheet total "
    "the size is worked out; without any figures `declared_size` stands.",
)
def update_profile(request, payload: ProfileIn):
    profile = _profile(request)
    data = payload.model_dump()
    data["vcse_type"] = data["vcse_type"] or ""
    data["declared_size"] = data["declared_size"] or ""
    profile = actions.update_profile(profile=profile, by=request.user, **data)
    return selectors.profile_of(profile.organisation)


@router.get(
    "/exclusion-grounds",
    response={200: GroundsOut, **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_exclusion_grounds",
    summary="The exclusion grounds to answer",
    description="Procurement Act 2023 Schedules 6 (mandatory) and 7 (discretionary), in force "
    "today, summarised.",
)
def exclusion_grounds(request):
    acting_supplier(request)
    grounds = ground_set_for(clock.today_uk())
    return {
        "version": grounds.code,
        "source": grounds.source,
        "valid_for_years": grounds.valid_for_years,
        "grounds": grounds.grounds,
    }


@router.get(
    "/declaration",
    response={200: ExclusionDeclarationOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_declaration_get",
    summary="Your latest exclusion declaration",
    description="`current` is false once it is a year old. 404 `not_found` if none was made.",
)
def get_declaration(request):
    declaration = selectors.latest_declaration(acting_supplier(request))
    if declaration is None:
        raise Http404("You have not made an exclusion declaration")
    return declaration


@router.post(
    "/declaration",
    response={201: ExclusionDeclarationOut, **errors(*SIGNED_IN_ERRORS, 400, 422)},
    operation_id="supplier_declaration_make",
    summary="Make a new exclusion declaration (admins)",
    description="Answer every ground. It replaces the last declaration and lasts a year.",
)
def make_declaration(request, payload: ExclusionDeclarationIn):
    answers = {a.ground: {"applies": a.applies, "details": a.details} for a in payload.answers}
    declaration = actions.declare_exclusions(
        organisation=acting_supplier(request), by=request.user, answers=answers
    )
    return Status(201, declaration)


@router.get(
    "/certificates",
    response={200: list[CertificateOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_certificates_list",
    summary="Your certificates, soonest expiry first",
)
def list_certificates(request):
    return list(selectors.certificates_of(acting_supplier(request)))


class CertificateIn(FormInput):
    kind: str = Field(description="One of: " + ", ".join(CertificateKind.values))
    title: str = Field("", max_length=200, description="What the certificate is, for kind `other`")
    number: str = Field("", max_length=100)
    issuer: str = Field(max_length=200, description="The insurer or certification body")
    expires_on: Annotated[date | None, BeforeValidator(lambda value: value or None)] = Field(
        None, description="YYYY-MM-DD; left empty in the form, none"
    )


@router.post(
    "/certificates",
    response={201: CertificateOut, **errors(*SIGNED_IN_ERRORS, 400)},
    operation_id="supplier_certificates_add",
    summary="Add a certificate with its expiry date and a copy (multipart form; admins)",
    description="Fields `kind`, `title` (for kind `other`), `number`, `issuer`, `expires_on` "
    "(YYYY-MM-DD, not already past) and the file `document` (PDF or an office document). Your "
    "admins are emailed 30 and 7 days before it expires.",
)
def add_certificate(
    request,
    payload: Form[CertificateIn],
    # ninja reads a None default as an optional part (it makes the type Optional itself); its
    # File alias for type checkers has no None. `File[UploadedFile | None]` would document null
    # and `File[UploadedFile] | None` would make it a query parameter.
    document: File[UploadedFile] = None,  # type: ignore[assignment]
):
    certificate = actions.add_certificate(
        organisation=acting_supplier(request),
        by=request.user,
        kind=payload.kind,
        title=payload.title,
        number=payload.number,
        issuer=payload.issuer,
        expires_on=payload.expires_on,
        upload=document,
    )
    return Status(201, certificate)


@router.delete(
    "/certificates/{certificate_id}",
    response={204: None, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_certificates_remove",
    summary="Remove a certificate (admins)",
)
def remove_certificate(request, certificate_id: int):
    certificate = get_object_or_404(
        selectors.certificates_of(acting_supplier(request)), pk=certificate_id
    )
    actions.remove_certificate(certificate=certificate, by=request.user)
    return Status(204, None)


# --- Consortia -------------------------------------------------------------------------------


def _consortium(request, consortium_id: int):
    consortium = selectors.consortium_for_member(acting_supplier(request), consortium_id)
    if consortium is None:
        raise Http404("Your organisation is not part of that consortium")
    return consortium


@router.get(
    "/consortia",
    response={200: list[ConsortiumOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_consortia_list",
    summary="Consortia you lead, belong to or are invited to",
)
def list_consortia(request):
    organisation = acting_supplier(request)
    return [selectors.consortium_of(c.organisation) for c in selectors.consortia_for(organisation)]


@router.post(
    "/consortia",
    response={201: ConsortiumOut, **errors(*SIGNED_IN_ERRORS, 400)},
    operation_id="supplier_consortia_create",
    summary="Form a consortium that your organisation leads (admins)",
)
def create_consortium(request, payload: ConsortiumIn):
    consortium = actions.create_consortium(
        lead=acting_supplier(request),
        by=request.user,
        name=payload.name,
        liability=payload.liability,
    )
    return Status(201, selectors.consortium_of(consortium.organisation))


@router.get(
    "/consortia/{consortium_id}",
    response={200: ConsortiumOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_consortia_get",
    summary="One consortium you lead, belong to or are invited to",
)
def get_consortium(request, consortium_id: int):
    return _consortium(request, consortium_id)


@router.post(
    "/consortia/{consortium_id}/members",
    response={201: MemberOut, **errors(*OWN_OBJECT_ERRORS, 400)},
    operation_id="supplier_consortia_invite",
    summary="Invite a registered supplier to join (the lead's admins)",
)
def invite_member(request, consortium_id: int, payload: InviteIn):
    consortium = _consortium(request, consortium_id)
    member = actions.invite_to_consortium(
        consortium=consortium,
        by=request.user,
        organisation=selectors.find_supplier(payload.identifier),
        role=payload.role,
    )
    return Status(201, member)


@router.post(
    "/consortium-invitations/{member_id}/{answer}",
    response={200: MemberOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="supplier_consortia_respond",
    summary="Accept or decline an invitation to a consortium (admins)",
    description="`answer` is `accept` or `decline`. Accepting lets your people see the "
    "consortium's bids and authorises its lead to bid for it.",
)
def respond(request, member_id: int, answer: str):
    if answer not in {"accept", "decline"}:
        raise Http404("Answer accept or decline")
    member = get_object_or_404(
        ConsortiumMember.objects.filter(organisation=acting_supplier(request)), pk=member_id
    )
    return actions.respond_to_consortium(member=member, by=request.user, accept=answer == "accept")


def _member(request, consortium_id: int, member_id: int) -> ConsortiumMember:
    member = selectors.consortium_member(_consortium(request, consortium_id), member_id)
    if member is None:
        raise Http404("No member of that consortium has that number")
    return member


@router.post(
    "/consortia/{consortium_id}/members/{member_id}/withdraw-invitation",
    response={200: MemberOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="supplier_consortia_withdraw_invitation",
    summary="Withdraw an invitation that has not been answered (the lead's admins)",
    description="409 `invalid_state` once the organisation has answered. It can be invited "
    "again later.",
)
def withdraw_invitation(request, consortium_id: int, member_id: int):
    member = _member(request, consortium_id, member_id)
    return actions.withdraw_invitation(member=member, by=request.user)


@router.post(
    "/consortia/{consortium_id}/members/{member_id}/remove",
    response={200: MemberOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="supplier_consortia_remove_member",
    summary="Remove a member that had accepted (the lead's admins)",
    description="Its people stop seeing the consortium's bids. Refused with 409 "
    "`bid_submitted` while the consortium has a submitted bid (it went in with every member's "
    "declaration), and with 400 `lead_cannot_leave` for the lead itself.",
)
def remove_member(request, consortium_id: int, member_id: int):
    member = _member(request, consortium_id, member_id)
    return actions.remove_member(member=member, by=request.user)


@router.post(
    "/consortia/{consortium_id}/leave",
    response={200: MemberOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="supplier_consortia_leave",
    summary="Take your organisation out of a consortium it joined (admins)",
    description="Your people stop seeing the consortium's bids. Refused with 409 "
    "`bid_submitted` while the consortium has a submitted bid, and with 400 "
    "`lead_cannot_leave` for the lead.",
)
def leave_consortium(request, consortium_id: int):
    consortium = _consortium(request, consortium_id)
    organisation = acting_supplier(request)
    mine = next(m for m in consortium.members.all() if m.organisation_id == organisation.pk)
    return actions.leave_consortium(member=mine, by=request.user)


@router.put(
    "/consortia/{consortium_id}/members/{member_id}/guarantee",
    response={200: MemberOut, **errors(*OWN_OBJECT_ERRORS, 400)},
    operation_id="supplier_consortia_record_guarantee",
    summary="Record a member's guarantee (the lead's admins; liability lead_with_guarantees)",
)
def record_guarantee(request, consortium_id: int, member_id: int, payload: GuaranteeIn):
    member = _member(request, consortium_id, member_id)
    return actions.record_guarantee(
        member=member, by=request.user, given=payload.given, note=payload.note
    )


@router.post(
    "/consortia/{consortium_id}/lots/{lot_id}/bid",
    response={200: SupplierBidOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="supplier_consortia_start_bid",
    summary="Start the consortium's bid for a lot, or get it (the lead's people)",
    description="The bid is then read and changed with the /supplier/bids endpoints, by the "
    "people of every member that has accepted; only the lead's people submit it.",
)
def start_consortium_bid(request, consortium_id: int, lot_id: int):
    consortium = _consortium(request, consortium_id)
    lot = get_object_or_404(
        Lot.objects.filter(tender__in=Tender.objects.public()).select_related("tender"),
        pk=lot_id,
    )
    bid = bid_actions.start_bid(lot=lot, supplier=consortium.organisation, by=request.user)
    return (
        Bid.objects.filter(pk=bid.pk)
        .select_related("lot__tender", "supplier")
        .prefetch_related("lot__questions", "attachments")
        .get()
    )


# --- Subcontractors --------------------------------------------------------------------------


def _bid(request, bid_id: int) -> Bid:
    """A bid the caller's organisation may see (its own, or its consortium's); else 404."""
    bid = get_object_or_404(
        Bid.objects.for_supplier(acting_supplier(request)).select_related("lot__tender"),
        pk=bid_id,
    )
    if not request.user.has_perm("bids.view_bid", bid):
        raise Http404("No bid of yours has that number")
    return bid


@router.get(
    "/bids/{bid_id}/subcontractors",
    response={200: list[SubcontractorOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_subcontractors_list",
    summary="The subcontractors a bid declares",
)
def list_subcontractors(request, bid_id: int):
    return list(selectors.subcontractors_of(_bid(request, bid_id)))


@router.post(
    "/bids/{bid_id}/subcontractors",
    response={201: SubcontractorOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="supplier_subcontractors_add",
    summary="Declare a subcontractor on a bid that can still change",
    description="Give `identifier` to link a registered supplier (its name, size and VCSE "
    "status come from its profile), or the name and size. A subcontractor `relied_on` must be "
    "registered: its exclusion declaration is checked when the bid is submitted.",
)
def add_subcontractor(request, bid_id: int, payload: SubcontractorIn):
    bid = _bid(request, bid_id)
    registered = None
    if payload.identifier.strip():
        registered = selectors.find_supplier(payload.identifier)
        if registered is None:
            raise DomainError(
                "No registered supplier has that levelfield identifier or Companies House number",
                code="validation_error",
            )
    subcontractor = actions.add_subcontractor(
        bid=bid,
        by=request.user,
        organisation=registered,
        name=payload.name,
        companies_house_number=payload.companies_house_number,
        size=payload.size or "",
        is_vcse=payload.is_vcse,
        share_percent=Decimal(payload.share_percent),
        description=payload.description,
        relied_on=payload.relied_on,
    )
    return Status(201, subcontractor)


@router.delete(
    "/bids/{bid_id}/subcontractors/{subcontractor_id}",
    response={200: MessageOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="supplier_subcontractors_remove",
    summary="Remove a subcontractor from a bid that can still change",
)
def remove_subcontractor(request, bid_id: int, subcontractor_id: int):
    bid = _bid(request, bid_id)
    subcontractor = get_object_or_404(selectors.subcontractors_of(bid), pk=subcontractor_id)
    actions.remove_subcontractor(subcontractor=subcontractor, by=request.user)
    return {"message": "Removed"}
