"""Reads about suppliers: profiles, declarations, certificates, consortia and subcontractors.

Other apps ask here rather than reading these models: `Bid.objects.for_supplier` asks which
consortia an organisation has joined, `bids/rules.py` who may see and submit a consortium's
bid, and the bid submission which declarations must be current."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from levelfield.accounts.models import SUPPLIER_ROLES, Membership, Organisation, Role
from levelfield.core import clock
from levelfield.core.numbers import read_id

from .exclusions import ground_set_by_code
from .models import (
    PLATFORM_SCHEME,
    BidSubcontractor,
    Certificate,
    Consortium,
    ConsortiumMember,
    ContractSubcontractor,
    ExclusionDeclaration,
    MemberRole,
    MemberStatus,
    SupplierProfile,
)

# --- Profiles --------------------------------------------------------------------------------


def profile_of(organisation) -> SupplierProfile | None:
    return (
        SupplierProfile.objects.filter(organisation=organisation)
        .prefetch_related("served_regions", "cpv_interests")
        .first()
    )


def profile_alone(organisation) -> SupplierProfile | None:
    """The organisation's profile without its served regions and CPV interests (one query),
    for a read of its own fields (size, VCSE)."""
    return SupplierProfile.objects.filter(organisation=organisation).first()


def find_supplier(identifier: str) -> Organisation | None:
    """A registered supplier by its levelfield identifier (GB-LEVELFIELD-12) or Companies House
    number; never a consortium."""
    text = identifier.strip().upper().replace(" ", "")
    if not text:
        return None
    profiles = SupplierProfile.objects.select_related("organisation")
    prefix = f"{PLATFORM_SCHEME}-"
    # The number read as an id ("GB-LEVELFIELD-²" passed str.isdigit and int() refused it; 20
    # digits were past what the database compares): anything else is no supplier's.
    number = read_id(text.removeprefix(prefix)) if text.startswith(prefix) else None
    if number is not None:
        profile = profiles.filter(organisation_id=number).first()
    else:
        profile = profiles.filter(companies_house_number=text).first()
    return profile.organisation if profile else None


def admin_emails(organisation) -> list[str]:
    """Who is told about an organisation's profile: its supplier admins."""
    return list(
        Membership.objects.filter(organisation=organisation, role=Role.SUPPLIER_ADMIN)
        .order_by("id")
        .values_list("user__email", flat=True)
    )


def contact_emails(organisation) -> list[str]:
    """Everyone to tell about a bid by `organisation`: its own people or, for a consortium, the
    people of every member that has accepted."""
    consortium = Consortium.objects.filter(organisation=organisation).first()
    if consortium is None:
        organisations = [organisation.pk]
    else:
        organisations = list(
            consortium.members.filter(status=MemberStatus.ACCEPTED).values_list(
                "organisation_id", flat=True
            )
        )
    return list(
        Membership.objects.filter(organisation_id__in=organisations, role__in=SUPPLIER_ROLES)
        .order_by("id")
        .values_list("user__email", flat=True)
        .distinct()
    )


def submitter_emails(organisation) -> list[str]:
    """Who can submit a bid by `organisation` (bids/rules.py), to be told it is not submitted:
    its own people or, for a consortium, the people of its lead."""
    consortium = Consortium.objects.filter(organisation=organisation).first()
    bidder = consortium.lead_id if consortium else organisation.pk
    return list(
        Membership.objects.filter(organisation_id=bidder, role__in=SUPPLIER_ROLES)
        .order_by("id")
        .values_list("user__email", flat=True)
        .distinct()
    )


# --- Exclusion declarations ------------------------------------------------------------------


def latest_declaration(organisation, at: datetime | None = None) -> ExclusionDeclaration | None:
    """The organisation's newest declaration made by `at` (now), current or not."""
    at = at or clock.now()
    return (
        ExclusionDeclaration.objects.filter(organisation=organisation, declared_at__lte=at)
        .select_related("organisation")
        .order_by("-declared_at", "-id")
        .first()
    )


def current_declaration(organisation, at: datetime | None = None) -> ExclusionDeclaration | None:
    """The organisation's newest declaration, if it is less than a year old at `at` (now)."""
    at = at or clock.now()
    declaration = latest_declaration(organisation, at)
    if declaration is None or not declaration.is_current(at):
        return None
    return declaration


def declarations_of(organisation) -> QuerySet[ExclusionDeclaration]:
    return ExclusionDeclaration.objects.filter(organisation=organisation).select_related(
        "declared_by"
    )


# --- Certificates ----------------------------------------------------------------------------


def certificates_of(organisation) -> QuerySet[Certificate]:
    return Certificate.objects.filter(organisation=organisation).order_by("expires_on", "id")


# --- Consortia -------------------------------------------------------------------------------


def joined_consortium_organisations(organisation) -> QuerySet:
    """The organisations of the consortia `organisation` has accepted membership of (a
    subquery of ids, for `Bid.objects.for_supplier`)."""
    return Consortium.objects.filter(
        members__organisation=organisation, members__status=MemberStatus.ACCEPTED
    ).values("organisation_id")


def consortium_of(organisation) -> Consortium | None:
    """The consortium an organisation stands for, or None for an ordinary supplier."""
    if organisation is None:
        return None
    return (
        Consortium.objects.filter(organisation=organisation)
        .select_related("organisation", "lead")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConsortiumMember.objects.select_related(
                    "organisation__supplier_profile"
                ).order_by("invited_at", "id"),
            )
        )
        .first()
    )


def is_consortium(organisation) -> bool:
    return Consortium.objects.filter(organisation=organisation).exists()


def consortium_organisation_ids(organisation_ids) -> set[int]:
    """Which of these organisations are consortia (for bid statistics)."""
    return set(
        Consortium.objects.filter(organisation_id__in=list(organisation_ids)).values_list(
            "organisation_id", flat=True
        )
    )


def consortia_for(organisation) -> QuerySet[Consortium]:
    """The consortia an organisation leads or has been invited to (any answer), for its pages."""
    return (
        Consortium.objects.filter(members__organisation=organisation)
        .select_related("organisation", "lead")
        .distinct()
        .order_by("organisation__name")
    )


def membership_statuses(organisation) -> dict[int, str]:
    """The organisation's membership status in each consortium it was ever invited to, by
    consortium id (for its list of consortia)."""
    return dict(
        ConsortiumMember.objects.filter(organisation=organisation).values_list(
            "consortium_id", "status"
        )
    )


def consortium_for_member(organisation, consortium_id: int) -> Consortium | None:
    """One consortium the organisation leads or was invited to (so an invitation can be read
    before it is answered); any other id is None."""
    if organisation is None:
        return None
    return consortium_of(
        Organisation.objects.filter(
            consortium__pk=consortium_id, consortium__members__organisation=organisation
        ).first()
    )


def consortium_member(consortium, member_id) -> ConsortiumMember | None:
    """One membership row of `consortium` (any status), or None for another id."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        return None
    return next((m for m in consortium.members.all() if m.pk == member_id), None)


def submitted_consortium_bid(consortium, *, lock: bool = False):
    """A submitted bid of the consortium, if it has one: while it stands no member may leave or
    be removed, because the bid went in with every member's exclusion declaration (and the
    buyer assesses the consortium as it bid). With `lock`, every bid of the consortium is
    locked first (inside the caller's transaction), so a submission cannot slip in between
    the check and the change of membership; bids' own actions lock the tender, then the bid,
    and wait for nothing held here."""
    from levelfield.bids.models import Bid, BidStatus

    bids = Bid.objects.filter(supplier_id=consortium.organisation_id).order_by("pk")
    if lock:
        list(bids.select_for_update().values_list("pk", flat=True))
    return bids.filter(status=BidStatus.SUBMITTED).select_related("lot__tender").first()


def pending_invitations(organisation) -> QuerySet[ConsortiumMember]:
    return ConsortiumMember.objects.filter(
        organisation=organisation, status=MemberStatus.INVITED
    ).select_related("consortium__organisation", "consortium__lead", "invited_by")


def bidding_consortium(organisation, supplier_id) -> Organisation | None:
    """The consortium organisation `supplier_id`, if `organisation` has accepted membership of
    it: who a member's bid pages act for."""
    try:
        supplier_id = int(supplier_id)
    except (TypeError, ValueError):
        return None
    if organisation is None:
        return None
    return Organisation.objects.filter(
        pk=supplier_id,
        consortium__members__organisation=organisation,
        consortium__members__status=MemberStatus.ACCEPTED,
    ).first()


def led_consortia(organisation) -> QuerySet[Organisation]:
    """The consortium organisations `organisation` leads, for starting a bid as one of them."""
    return Organisation.objects.filter(consortium__lead=organisation).order_by("name")


def _user_supplier_organisations(user):
    return Membership.objects.filter(user=user, role__in=SUPPLIER_ROLES).values("organisation_id")


def user_in_accepted_member(user, consortium_organisation_id: int) -> bool:
    """The user works for a member (the lead included) that has accepted membership."""
    return ConsortiumMember.objects.filter(
        consortium__organisation_id=consortium_organisation_id,
        status=MemberStatus.ACCEPTED,
        organisation_id__in=_user_supplier_organisations(user),
    ).exists()


def user_in_lead(user, consortium_organisation_id: int) -> bool:
    return Consortium.objects.filter(
        organisation_id=consortium_organisation_id,
        lead_id__in=_user_supplier_organisations(user),
    ).exists()


# --- Associated persons and subcontractors ---------------------------------------------------


@dataclass(frozen=True)
class Associate:
    """An organisation whose declaration a bid relies on."""

    organisation: Organisation
    role: str  # a BidDeclaration.Role value
    label: str


def associates_of(bid) -> list[Associate]:
    """Whose exclusion declarations a bid must carry: the bidder, or for a consortium each
    member that has accepted; and every registered subcontractor the bid relies on."""
    from .models import BidDeclaration

    people: dict[int, Associate] = {}
    consortium = consortium_of(bid.supplier)
    if consortium is None:
        people[bid.supplier_id] = Associate(bid.supplier, BidDeclaration.Role.BIDDER, "bidder")
    else:
        for member in consortium.members.all():
            if member.status == MemberStatus.ACCEPTED:
                label = "consortium lead" if member.role == MemberRole.LEAD else "consortium member"
                people[member.organisation_id] = Associate(
                    member.organisation, BidDeclaration.Role.MEMBER, label
                )
    for sub in loaded_subcontractors(bid):
        registered = sub.organisation  # read with it (None: not registered on the platform)
        if sub.relied_on and registered is not None and registered.pk not in people:
            people[registered.pk] = Associate(
                registered, BidDeclaration.Role.SUBCONTRACTOR, "subcontractor relied on"
            )
    return list(people.values())


def declared_member_ids(bid) -> set[int]:
    """The consortium members whose declarations were attached to `bid` when it was submitted
    (empty for a bid never submitted)."""
    from .models import BidDeclaration

    return set(
        BidDeclaration.objects.filter(bid=bid, role=BidDeclaration.Role.MEMBER).values_list(
            "organisation_id", flat=True
        )
    )


def subcontractors_of(bid) -> QuerySet[BidSubcontractor]:
    return BidSubcontractor.objects.filter(bid=bid).select_related("organisation")


def with_subcontractors() -> Prefetch:
    """A bid's subcontractors with their organisations, to prefetch with the bid (for an action
    that reads them several times: `loaded_subcontractors`)."""
    return Prefetch(
        "subcontractors", queryset=BidSubcontractor.objects.select_related("organisation")
    )


def loaded_subcontractors(bid) -> list[BidSubcontractor]:
    """The bid's subcontractors as `subcontractors_of`: those prefetched with it
    (`with_subcontractors`) when they were, else read now."""
    if "subcontractors" in getattr(bid, "_prefetched_objects_cache", {}):
        return list(bid.subcontractors.all())
    return list(subcontractors_of(bid))


def contract_subcontractors(contract) -> QuerySet[ContractSubcontractor]:
    return ContractSubcontractor.objects.filter(contract=contract).select_related("organisation")


# --- Exclusion checks for the buyer ----------------------------------------------------------


@dataclass(frozen=True)
class GroundAnswer:
    title: str
    kind: str  # "mandatory" or "discretionary"
    details: str


@dataclass(frozen=True)
class ExclusionCheck:
    """One organisation a submitted bid relies on (the bidder, a consortium member or a
    subcontractor relied on), its declaration as attached at submission, and any declaration it
    has made since, which the buyer must weigh before the award (s.57). A member that joined the
    consortium after the bid was submitted has nothing attached (`declared_at` is None): its
    newest declaration, if any, is the newer one."""

    organisation: Organisation
    role_label: str
    declared_at: datetime | None
    applies: tuple[GroundAnswer, ...]
    newer_declared_at: datetime | None = None
    newer_applies: tuple[GroundAnswer, ...] = ()

    @property
    def joined_later(self) -> bool:
        return self.declared_at is None

    @property
    def mandatory(self) -> bool:
        return any(a.kind == "mandatory" for a in (*self.applies, *self.newer_applies))

    @property
    def needs_attention(self) -> bool:
        return self.joined_later or bool(self.applies or self.newer_applies)


def _grounds_that_apply(snapshot: dict) -> tuple[GroundAnswer, ...]:
    return tuple(
        GroundAnswer(a["title"], a["kind"], a["details"])
        for a in snapshot.get("answers", [])
        if a.get("applies")
    )


def _declared_grounds(declaration: ExclusionDeclaration) -> tuple[GroundAnswer, ...]:
    by_code = ground_set_by_code(declaration.grounds_version).by_code()
    return tuple(
        GroundAnswer(
            by_code[code].title if code in by_code else code,
            by_code[code].kind if code in by_code else "",
            answer["details"],
        )
        for code, answer in declaration.answers.items()
        if answer["applies"]
    )


def exclusion_checks(bids, at: datetime | None = None) -> dict[int, list[ExclusionCheck]]:
    """For each submitted bid (already scoped to what the reader may open), the exclusion
    declarations attached to it when it was submitted, with any newer declaration made by `at`
    (now), then any consortium member that joined after submission. Four queries, however many
    bids."""
    from .models import BidDeclaration

    at = at or clock.now()
    bid_ids = [b.pk for b in bids]
    supplier_of = {b.pk: b.supplier_id for b in bids}
    attached = list(
        BidDeclaration.objects.filter(bid_id__in=bid_ids)
        .select_related("organisation", "declaration")
        .order_by("bid_id", "id")
    )
    members: dict[int, list[ConsortiumMember]] = {}
    leads: dict[int, int] = {}
    for member in (
        ConsortiumMember.objects.filter(
            consortium__organisation_id__in=set(supplier_of.values()),
            status=MemberStatus.ACCEPTED,
        )
        .select_related("organisation", "consortium")
        .order_by("invited_at", "id")
    ):
        members.setdefault(member.consortium.organisation_id, []).append(member)
        leads[member.consortium.organisation_id] = member.consortium.lead_id
    organisation_ids = {a.organisation_id for a in attached} | {
        m.organisation_id for rows in members.values() for m in rows
    }
    newest: dict[int, ExclusionDeclaration] = {}
    for declaration in ExclusionDeclaration.objects.filter(
        organisation_id__in=organisation_ids, declared_at__lte=at
    ).order_by("organisation_id", "-declared_at", "-id"):
        newest.setdefault(declaration.organisation_id, declaration)

    def label(bid_id: int, organisation_id: int, role: str) -> str:
        if role != BidDeclaration.Role.MEMBER:
            return BidDeclaration.Role(role).label
        lead = leads.get(supplier_of[bid_id])
        return "Consortium lead" if organisation_id == lead else "Consortium member"

    checks: dict[int, list[ExclusionCheck]] = {pk: [] for pk in bid_ids}
    for row in attached:
        latest = newest.get(row.organisation_id)
        newer = latest if latest and latest.declared_at > row.declaration.declared_at else None
        checks[row.bid_id].append(
            ExclusionCheck(
                organisation=row.organisation,
                role_label=label(row.bid_id, row.organisation_id, row.role),
                declared_at=row.declaration.declared_at,
                applies=_grounds_that_apply(row.snapshot),
                newer_declared_at=newer.declared_at if newer else None,
                newer_applies=_declared_grounds(newer) if newer else (),
            )
        )
    for bid_id in bid_ids:
        seen = {c.organisation.pk for c in checks[bid_id]}
        for member in members.get(supplier_of[bid_id], []):
            if member.organisation_id in seen:
                continue
            latest = newest.get(member.organisation_id)
            checks[bid_id].append(
                ExclusionCheck(
                    organisation=member.organisation,
                    role_label="Joined the consortium after the bid was submitted",
                    declared_at=None,
                    applies=(),
                    newer_declared_at=latest.declared_at if latest else None,
                    newer_applies=_declared_grounds(latest) if latest else (),
                )
            )
    return checks
