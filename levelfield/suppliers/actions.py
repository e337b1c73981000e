"""Every change to a supplier's profile, exclusion declarations, certificates, consortia and a
bid's subcontractors."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.accounts.actions import check_password, create_unverified_user
from levelfield.accounts.models import Membership, Organisation, Role, User
from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import PENNY
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store

from . import selectors, sizing
from .exclusions import ground_set_by_code, ground_set_for
from .models import (
    CHARITY_NUMBER,
    COMPANIES_HOUSE_NUMBER,
    CPV_PREFIX,
    BidDeclaration,
    BidSubcontractor,
    Certificate,
    CertificateKind,
    CertificateReminder,
    Consortium,
    ConsortiumMember,
    ContractSubcontractor,
    CpvInterest,
    ExclusionDeclaration,
    Liability,
    MemberRole,
    MemberStatus,
    Region,
    ServedRegion,
    Size,
    SupplierProfile,
    VcseType,
)

# Days before expiry at which a certificate's admins are reminded, widest first.
REMINDER_DAYS = (30, 7)


@transaction.atomic
def register_supplier(
    *,
    legal_name: str,
    companies_house_number: str,
    size: str,
    is_vcse: bool,
    region: str,
    full_name: str,
    email: str,
    password: str,
) -> Membership:
    """A supplier registers its organisation; the person registering becomes its admin."""
    from django.core.exceptions import ValidationError

    legal_name = legal_name.strip()
    email = email.strip().lower()
    number = companies_house_number.strip().upper().replace(" ", "")
    problems = []
    if not legal_name:
        problems.append("Enter the organisation's legal name")
    if number:
        try:
            COMPANIES_HOUSE_NUMBER(number)
        except ValidationError as exc:
            problems.append(exc.messages[0])
    if size not in Size.values:
        problems.append("Choose the organisation's size")
    if region not in Region.values:
        problems.append("Choose a region")
    if not full_name.strip():
        problems.append("Enter your full name")
    if not email or "@" not in email:
        problems.append("Enter an email address in the correct format, like name@example.com")
    elif User.objects.filter(email=email).exists():
        problems.append("An account with this email address already exists; sign in instead")
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)
    check_password(password, User(email=email, full_name=full_name))
    user = create_unverified_user(email=email, password=password, full_name=full_name)
    organisation = Organisation.objects.create(name=legal_name, kind=Organisation.Kind.SUPPLIER)
    SupplierProfile.objects.create(
        organisation=organisation,
        legal_name=legal_name,
        companies_house_number=number,
        size=size,
        is_vcse=is_vcse,
        region=region,
    )
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=Role.SUPPLIER_ADMIN
    )
    audit.record(
        action="supplier.registered",
        obj=organisation,
        actor=user,
        organisation=organisation,
        size=size,
        is_vcse=is_vcse,
    )
    return membership


def _invalid(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)


def _valid(validator, value: str) -> str | None:
    """The validator's message for `value`, or None."""
    try:
        validator(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _one_year_later(moment: datetime, years: int = 1) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


# --- Profile ---------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    profile: SupplierProfile,
    by,
    legal_name: str,
    companies_house_number: str = "",
    charity_number: str = "",
    vcse_type: str = "",
    declared_size: str = "",
    staff_headcount: int | None = None,
    annual_turnover: Decimal | None = None,
    balance_sheet_total: Decimal | None = None,
    region: str,
    regions_served: list[str] | tuple = (),
    cpv_interests: list[str] | tuple = (),
) -> SupplierProfile:
    """Change the profile. With the staff headcount and a turnover or balance sheet total, the
    size is worked out with the definition in force today (suppliers/sizing.py); without any
    figures the organisation's declared size stands."""
    require(
        by,
        "suppliers.change_profile",
        profile.organisation,
        "Only your organisation's admin can change its profile",
    )
    profile = SupplierProfile.objects.select_for_update().get(pk=profile.pk)
    legal_name = legal_name.strip()
    number = companies_house_number.strip().upper().replace(" ", "")
    charity = charity_number.strip().upper().replace(" ", "")
    regions_served = list(dict.fromkeys(regions_served))
    cpv_interests = list(dict.fromkeys(c.strip() for c in cpv_interests if c.strip()))
    problems = []
    if not legal_name:
        problems.append("Enter the organisation's legal name")
    if number and (message := _valid(COMPANIES_HOUSE_NUMBER, number)):
        problems.append(message)
    if charity and (message := _valid(CHARITY_NUMBER, charity)):
        problems.append(message)
    if vcse_type and vcse_type not in VcseType.values:
        problems.append("Choose the kind of VCSE, or that the organisation is not one")
    if region not in Region.values:
        problems.append("Choose the region where the organisation is based")
    problems += [f"{code} is not a region" for code in regions_served if code not in Region.values]
    for code in cpv_interests:
        if message := _valid(CPV_PREFIX, code):
            problems.append(f"{code}: {message}")
    figures = (staff_headcount, annual_turnover, balance_sheet_total)
    computed = None
    if any(value is not None for value in figures):
        if staff_headcount is None or staff_headcount < 0:
            problems.append("Enter the number of staff, to work out the organisation's size")
        if annual_turnover is None and balance_sheet_total is None:
            problems.append(
                "Enter the annual turnover or the balance sheet total, to work out the "
                "organisation's size"
            )
        for value, noun in (
            (annual_turnover, "turnover"),
            (balance_sheet_total, "balance sheet total"),
        ):
            if value is not None and value < 0:
                problems.append(f"The {noun} cannot be negative")
        if not problems:
            assert staff_headcount is not None  # a problem above when missing
            computed = sizing.classify(
                staff=staff_headcount,
                turnover=annual_turnover,
                balance_sheet=balance_sheet_total,
                definition=sizing.definition_for(clock.today_uk()),
            )
    elif (declared_size or profile.size) not in Size.values:
        problems.append("Choose the organisation's size, or give its figures")
    _invalid(problems)

    profile.legal_name = legal_name
    profile.companies_house_number = number
    profile.charity_number = charity
    profile.vcse_type = vcse_type
    profile.is_vcse = bool(vcse_type)
    profile.region = region
    profile.staff_headcount = staff_headcount
    profile.annual_turnover = annual_turnover
    profile.balance_sheet_total = balance_sheet_total
    if computed is not None:
        profile.size = computed.size
        profile.size_basis = computed.definition.code
        profile.size_worked_out_at = clock.now()
    else:
        profile.size = declared_size or profile.size
        profile.size_basis = ""
        profile.size_worked_out_at = None
    profile.updated_at = clock.now()
    profile.save()
    profile.served_regions.exclude(region__in=regions_served).delete()
    for code in regions_served:
        ServedRegion.objects.get_or_create(profile=profile, region=code)
    profile.cpv_interests.exclude(code__in=cpv_interests).delete()
    for code in cpv_interests:
        CpvInterest.objects.get_or_create(profile=profile, code=code)
    if profile.organisation.name != legal_name:
        Organisation.objects.filter(pk=profile.organisation_id).update(name=legal_name)
        profile.organisation.name = legal_name
    audit.record(
        action="supplier.profile_updated",
        obj=profile,
        actor=by,
        organisation=profile.organisation,
        size=profile.size,
        size_basis=profile.size_basis,
        is_vcse=profile.is_vcse,
    )
    return profile


# --- Exclusion declarations ------------------------------------------------------------------


@transaction.atomic
def declare_exclusions(*, organisation: Organisation, by, answers: dict) -> ExclusionDeclaration:
    """Answer every exclusion ground in force today. A new declaration replaces the last one
    (a changed answer is always a new, dated declaration) and lasts a year.

    `answers` maps each ground's code to {"applies": bool, "details": str}; details are needed
    where a ground applies."""
    require(
        by,
        "suppliers.declare_exclusions",
        organisation,
        "Only your organisation's admin can make its exclusion declaration",
    )
    if selectors.is_consortium(organisation):
        raise DomainError(
            "A consortium does not declare: each of its members makes its own declaration",
            code="validation_error",
        )
    now = clock.now()
    grounds = ground_set_for(now.date())
    problems, clean = [], {}
    for ground in grounds.grounds:
        answer = answers.get(ground.code)
        if not isinstance(answer, dict) or not isinstance(answer.get("applies"), bool):
            problems.append(f"Answer yes or no: {ground.title}")
            continue
        details = str(answer.get("details") or "").strip()
        if answer["applies"] and not details:
            problems.append(f"Say what happened and when: {ground.title}")
        clean[ground.code] = {"applies": answer["applies"], "details": details}
    unknown = sorted(set(answers) - set(grounds.by_code()))
    if unknown:
        problems.append(f"Not an exclusion ground: {', '.join(unknown)}")
    _invalid(problems)
    declaration = ExclusionDeclaration.objects.create(
        organisation=organisation,
        grounds_version=grounds.code,
        answers=clean,
        mandatory_grounds=[g.code for g in grounds.mandatory if clean[g.code]["applies"]],
        discretionary_grounds=[g.code for g in grounds.discretionary if clean[g.code]["applies"]],
        declared_at=now,
        expires_at=_one_year_later(now, grounds.valid_for_years),
        declared_by=by,
    )
    audit.record(
        action="supplier.exclusions_declared",
        obj=declaration,
        actor=by,
        organisation=organisation,
        grounds_version=grounds.code,
        mandatory=declaration.mandatory_grounds,
        discretionary=declaration.discretionary_grounds,
    )
    return declaration


def _ground_titles(declaration: ExclusionDeclaration, codes: list[str]) -> str:
    by_code = ground_set_by_code(declaration.grounds_version).by_code()
    return ", ".join(by_code[c].title.lower() if c in by_code else c for c in codes)


def declaration_snapshot(declaration: ExclusionDeclaration) -> dict:
    """The declaration as data, as it stood when a bid was submitted."""
    by_code = ground_set_by_code(declaration.grounds_version).by_code()
    return {
        "organisation": declaration.organisation.name,
        "grounds_version": declaration.grounds_version,
        "declared_at": declaration.declared_at.isoformat(),
        "expires_at": declaration.expires_at.isoformat(),
        "answers": [
            {
                "ground": code,
                "title": by_code[code].title if code in by_code else code,
                "kind": by_code[code].kind if code in by_code else "",
                "applies": answer["applies"],
                "details": answer["details"],
            }
            for code, answer in declaration.answers.items()
        ],
        "mandatory_grounds": declaration.mandatory_grounds,
        "discretionary_grounds": declaration.discretionary_grounds,
    }


def exclusion_problems(bid, at: datetime | None = None) -> list[str]:
    """Why the bid cannot be submitted on exclusion grounds: a bidder, consortium member or
    subcontractor relied on (an associated person, s.26) without a current declaration, or
    with a mandatory ground that applies. Empty when it can be."""
    return _problems(exclusion_standings(bid, at or clock.now()))


@dataclass(frozen=True)
class Standing:
    """One associate of a bid (`selectors.associates_of`) as its declaration stands at a time:
    its current declaration (None without one) and why it stops the bid being submitted (the
    rule of `exclusion_problems` for that one organisation; empty when it does not)."""

    associate: selectors.Associate
    declaration: ExclusionDeclaration | None
    problems: tuple[str, ...]


def exclusion_standings(bid, at: datetime) -> list[Standing]:
    """Each associate of the bid as it stands at `at`: read once by a submission, for its
    checklist (bids/checklist.py) and `attach_declarations`."""
    return [associate_standing(associate, at) for associate in selectors.associates_of(bid)]


def _problems(standings: list[Standing]) -> list[str]:
    return [problem for standing in standings for problem in standing.problems]


def associate_exclusion_problems(associate, at: datetime) -> list[str]:
    """Why one associate of a bid (`selectors.associates_of`) stops it being submitted: the
    rule of `exclusion_problems` for that one organisation (the bid checklist shows it as an
    item of its own). Empty when its declaration is current and clear."""
    return list(associate_standing(associate, at).problems)


def associate_standing(associate, at: datetime) -> Standing:
    """One associate's current declaration and its problems (`associate_exclusion_problems`)."""
    name = associate.organisation.name
    declaration = selectors.current_declaration(associate.organisation, at)

    def standing(*problems: str) -> Standing:
        return Standing(associate, declaration, problems)

    latest = None if declaration else selectors.latest_declaration(associate.organisation, at)
    if latest is not None and at < latest.expires_at and latest.answers_outdated_grounds(at):
        who = "Your" if associate.role == BidDeclaration.Role.BIDDER else f"{name}'s"
        return standing(
            f"{who} exclusion declaration answers grounds that are no longer in force "
            f"({name}, {associate.label}). The exclusion grounds have changed: answer them "
            "again on the supplier profile before this bid can be submitted."
        )
    if declaration is None:
        if associate.role == BidDeclaration.Role.BIDDER:
            return standing(
                f"{name} has no current exclusion declaration. Make your declaration on "
                "your supplier profile first: it is attached to every bid for a year."
            )
        return standing(
            f"{name} ({associate.label}) has no current exclusion declaration. It must "
            "make one on its supplier profile before this bid can be submitted."
        )
    if declaration.mandatory_ground_applies:
        grounds = _ground_titles(declaration, declaration.mandatory_grounds)
        return standing(
            f"{name} ({associate.label}) has declared that a mandatory exclusion ground "
            f"applies ({grounds}), so a bid that relies on it cannot be submitted "
            "(Procurement Act 2023 s.57). Talk to the buyer before the deadline."
        )
    return standing()


def attach_declarations(
    *, bid, at: datetime, standings: list[Standing] | None = None
) -> list[BidDeclaration]:
    """Check and attach, as they stand now, the declarations a bid relies on. Called by
    `bids.actions.submit_bid` inside its transaction, with the `exclusion_standings` it read
    for the bid's checklist in that transaction (read here when not given); refuses with every
    problem found."""
    if standings is None:
        standings = exclusion_standings(bid, at)
    problems = _problems(standings)
    if problems:
        raise DomainError(
            problems[0]
            if len(problems) == 1
            else "The bid cannot be submitted: " + " ".join(problems),
            code="exclusion_declaration",
            details=problems,
        )
    attached = []
    BidDeclaration.objects.filter(bid=bid).delete()
    for standing in standings:
        declaration = standing.declaration
        assert declaration is not None  # an associate without one has a problem, refused above
        attached.append(
            BidDeclaration.objects.create(
                bid=bid,
                organisation=standing.associate.organisation,
                declaration=declaration,
                role=standing.associate.role,
                snapshot=declaration_snapshot(declaration),
                attached_at=at,
            )
        )
    return attached


def bid_content_parts(bid, declarations: list[BidDeclaration] | None = None) -> dict:
    """What a bid carries from this app into the content its receipt hash is computed over:
    the declarations attached at submission (`declarations`: those `attach_declarations` has
    just attached, read when not given) and its subcontractors (each only when there are
    any)."""
    parts: dict[str, list] = {}
    if declarations is None:
        declarations = list(
            BidDeclaration.objects.filter(bid=bid).select_related("organisation", "declaration")
        )
    if declarations:
        parts["declarations"] = [
            {
                "organisation": d.organisation_id,
                "role": d.role,
                "declared_at": d.declaration.declared_at.isoformat(),
            }
            for d in declarations
        ]
    subcontractors = selectors.loaded_subcontractors(bid)
    if subcontractors:
        parts["subcontractors"] = [
            {
                "name": s.name,
                "organisation": s.organisation_id,
                "companies_house_number": s.companies_house_number,
                "size": s.size,
                "vcse": s.is_vcse,
                "share_percent": str(s.share_percent),
                "description": s.description,
                "relied_on": s.relied_on,
            }
            for s in subcontractors
        ]
    return parts


# --- Certificates ----------------------------------------------------------------------------


@files_removed_on_failure
@transaction.atomic
def add_certificate(
    *,
    organisation: Organisation,
    by,
    kind: str,
    issuer: str,
    expires_on: date | None,
    upload,
    number: str = "",
    title: str = "",
) -> Certificate:
    require(
        by,
        "suppliers.manage_certificates",
        organisation,
        "Only your organisation's admin can add certificates",
    )
    problems = []
    if kind not in CertificateKind.values:
        problems.append("Choose the kind of certificate")
    if kind == CertificateKind.OTHER and not title.strip():
        problems.append("Say what the certificate is")
    if not issuer.strip():
        problems.append("Enter who issued the certificate, like the insurer or certification body")
    if expires_on is None:
        problems.append("Enter the date the certificate expires")
    elif expires_on < clock.today_uk():
        problems.append("This certificate has already expired: add the renewed one")
    if upload is None:
        problems.append("Upload a copy of the certificate")
    _invalid(problems)
    assert expires_on is not None  # a problem above when missing
    try:
        digest = check_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    certificate = Certificate(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        number=number.strip(),
        issuer=issuer.strip(),
        expires_on=expires_on,
        size=upload.size,
        sha256=digest,
        added_by=by,
        added_at=clock.now(),
    )
    store(certificate.document, upload)
    certificate.save()
    audit.record(
        action="supplier.certificate_added",
        obj=certificate,
        actor=by,
        organisation=organisation,
        kind=kind,
        expires_on=expires_on.isoformat(),
        sha256=digest,
    )
    return certificate


@transaction.atomic
def remove_certificate(*, certificate: Certificate, by) -> None:
    require(
        by,
        "suppliers.manage_certificates",
        certificate.organisation,
        "Only your organisation's admin can remove certificates",
    )
    audit.record(
        action="supplier.certificate_removed",
        obj=certificate,
        actor=by,
        organisation=certificate.organisation,
        kind=certificate.kind,
        sha256=certificate.sha256,
    )
    certificate.document.delete(save=False)
    certificate.delete()


def send_certificate_reminders(*, today: date | None = None) -> int:
    """Remind each organisation's admins of certificates that expire within a threshold
    (REMINDER_DAYS). At most one reminder per certificate, threshold and expiry date, however
    often this runs: each is recorded under a unique constraint before its email is queued.
    Returns how many emails were queued."""
    today = today or clock.today_uk()
    widest = max(REMINDER_DAYS)
    due = Certificate.objects.filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=widest)
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .select_related("organisation")
                .filter(pk=pk)
                .first()
            )
            if certificate is None:
                continue
            days_left = (certificate.expires_on - today).days
            crossed = [d for d in REMINDER_DAYS if days_left <= d]
            done = set(
                certificate.reminders.filter(expires_on=certificate.expires_on).values_list(
                    "days_before", flat=True
                )
            )
            new = [d for d in crossed if d not in done]
            if not new:
                continue
            now = clock.now()
            for days in new:
                CertificateReminder.objects.create(
                    certificate=certificate,
                    days_before=days,
                    expires_on=certificate.expires_on,
                    sent_at=now,
                )
            audit.record(
                action="supplier.certificate_reminder_sent",
                obj=certificate,
                organisation=certificate.organisation,
                days_before=min(new),
                expires_on=certificate.expires_on.isoformat(),
            )
            when = "today" if days_left == 0 else f"in {days_left} days"
            if days_left == 1:
                when = "tomorrow"
            email_on_commit(
                to=selectors.admin_emails(certificate.organisation),
                subject=f"{certificate.name} expires {when}",
                body=f"{certificate.organisation}'s {certificate.name} certificate"
                f"{f' ({certificate.number})' if certificate.number else ''} from "
                f"{certificate.issuer} expires on {uk_date(certificate.expires_on)}.\n"
                "Buyers may ask for it before they award a contract. Add the renewed "
                f"certificate to your profile: {settings.SITE_URL}/supplier/profile/"
                "certificates/\n",
            )
            sent += 1
    return sent


# --- Consortia -------------------------------------------------------------------------------


@transaction.atomic
def create_consortium(*, lead: Organisation, by, name: str, liability: str) -> Consortium:
    """A supplier forms a consortium that it leads. The consortium is an organisation of its own
    that bids as one; the lead invites the other members."""
    require(
        by,
        "suppliers.create_consortium",
        lead,
        "Only your organisation's admin can form a consortium",
    )
    name = name.strip()
    problems = []
    if not name:
        problems.append("Enter the consortium's name")
    if liability not in Liability.values:
        problems.append("Choose how the members share liability")
    if selectors.is_consortium(lead):
        problems.append("A consortium cannot lead another consortium")
    _invalid(problems)
    now = clock.now()
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.SUPPLIER)
    consortium = Consortium.objects.create(
        organisation=organisation, lead=lead, liability=liability, created_by=by, created_at=now
    )
    ConsortiumMember.objects.create(
        consortium=consortium,
        organisation=lead,
        role=MemberRole.LEAD,
        status=MemberStatus.ACCEPTED,
        invited_by=by,
        invited_at=now,
        responded_by=by,
        responded_at=now,
    )
    audit.record(
        action="consortium.created",
        obj=consortium,
        actor=by,
        organisation=lead,
        name=name,
        liability=liability,
    )
    return consortium


@transaction.atomic
def invite_to_consortium(
    *, consortium: Consortium, by, organisation: Organisation | None, role: str
) -> ConsortiumMember:
    """The lead invites a registered supplier to join; the member's admin accepts or declines.
    A member that declined may be invited again."""
    require(
        by,
        "suppliers.manage_consortium",
        consortium,
        "Only the lead organisation's admin can invite members",
    )
    if organisation is None:
        raise DomainError(
            "No registered supplier has that levelfield identifier or Companies House number",
            code="unknown_supplier",
        )
    if role not in {MemberRole.MEMBER, MemberRole.KEY_SUBCONTRACTOR}:
        raise DomainError("Choose the member's role", code="validation_error")
    if organisation.pk == consortium.organisation_id or selectors.is_consortium(organisation):
        raise DomainError(
            "A consortium cannot be a member of a consortium", code="validation_error"
        )
    existing = (
        ConsortiumMember.objects.select_for_update()
        .filter(consortium=consortium, organisation=organisation)
        .first()
    )
    now = clock.now()
    if existing is not None and existing.status in {MemberStatus.INVITED, MemberStatus.ACCEPTED}:
        already = "a member" if existing.status == MemberStatus.ACCEPTED else "invited"
        raise DomainError(f"{organisation} is already {already}", code="already_member")
    if existing is not None:
        # It declined, left, was removed or its invitation was withdrawn: a fresh invitation.
        existing.role = role
        existing.status = MemberStatus.INVITED
        existing.invited_by = by
        existing.invited_at = now
        existing.responded_by = None
        existing.responded_at = None
        existing.ended_by = None
        existing.ended_at = None
        existing.guarantee_given = None
        existing.guarantee_note = ""
        existing.guarantee_recorded_by = None
        existing.guarantee_recorded_at = None
        existing.save()
        member = existing
    else:
        member = ConsortiumMember.objects.create(
            consortium=consortium,
            organisation=organisation,
            role=role,
            invited_by=by,
            invited_at=now,
        )
    audit.record(
        action="consortium.member_invited",
        obj=consortium,
        actor=by,
        organisation=consortium.lead,
        member=organisation.pk,
        role=role,
    )
    email_on_commit(
        to=selectors.admin_emails(organisation),
        subject=f"{consortium.lead} invites {organisation} to join {consortium.name}",
        body=f"{by} of {consortium.lead} invites {organisation} to join the consortium "
        f"{consortium.name} as {member.get_role_display().lower()}. Liability: "
        f"{consortium.get_liability_display().lower()}.\nAccept or decline: "
        f"{settings.SITE_URL}/supplier/profile/consortia/\n",
    )
    return member


@transaction.atomic
def respond_to_consortium(*, member: ConsortiumMember, by, accept: bool) -> ConsortiumMember:
    """The invited organisation's admin accepts (and so authorises the lead to bid for it) or
    declines."""
    require(
        by,
        "suppliers.respond_to_consortium",
        member,
        "Only the invited organisation's admin can answer this invitation",
    )
    member = (
        ConsortiumMember.objects.select_for_update()
        .select_related("consortium__organisation", "consortium__lead", "organisation")
        .get(pk=member.pk)
    )
    if member.status == MemberStatus.WITHDRAWN:
        raise InvalidTransition(f"{member.consortium.lead} has withdrawn this invitation")
    if member.status != MemberStatus.INVITED:
        raise InvalidTransition("This invitation has already been answered")
    member.status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    member.responded_by = by
    member.responded_at = clock.now()
    member.save()
    consortium = member.consortium
    audit.record(
        action="consortium.member_accepted" if accept else "consortium.member_declined",
        obj=consortium,
        actor=by,
        organisation=member.organisation,
        member=member.organisation_id,
    )
    email_on_commit(
        to=selectors.admin_emails(consortium.lead),
        subject=f"{member.organisation} {'accepted' if accept else 'declined'}: {consortium.name}",
        body=f"{member.organisation} has {'accepted' if accept else 'declined'} your invitation "
        f"to join {consortium.name}.\n",
    )
    return member


def _locked_member(member: ConsortiumMember) -> ConsortiumMember:
    return (
        ConsortiumMember.objects.select_for_update()
        .select_related("consortium__organisation", "consortium__lead", "organisation")
        .get(pk=member.pk)
    )


def _end_membership(member: ConsortiumMember, *, by, status: str) -> None:
    member.status = status
    member.ended_by = by
    member.ended_at = clock.now()
    member.save(update_fields=["status", "ended_by", "ended_at"])


def _refuse_while_bid_submitted(member: ConsortiumMember, *, verb: str) -> None:
    """A member cannot go while the consortium has a submitted bid: the bid went in with every
    member's exclusion declaration (Procurement Act 2023 s.26, associated persons) and the
    buyer assesses the consortium as it bid. Locks the consortium's bids first."""
    consortium = member.consortium
    bid = selectors.submitted_consortium_bid(consortium, lock=True)
    if bid is None:
        return
    raise InvalidTransition(
        f"{member.organisation} cannot {verb} while {consortium.name} has a submitted bid "
        f"({bid.lot.tender.title}, lot {bid.lot.number}): the bid went in with every member's "
        "exclusion declaration, so the consortium must stay as it bid. Before the deadline the "
        "lead can withdraw the bid first; after it, the membership cannot change.",
        code="bid_submitted",
    )


@transaction.atomic
def withdraw_invitation(*, member: ConsortiumMember, by) -> ConsortiumMember:
    """The lead takes back an invitation that has not been answered. The organisation can be
    invited again later."""
    require(
        by,
        "suppliers.manage_consortium",
        member.consortium,
        "Only the lead organisation's admin can withdraw an invitation",
    )
    member = _locked_member(member)
    if member.status != MemberStatus.INVITED:
        raise InvalidTransition(
            f"{member.organisation} has already answered the invitation: only an invitation "
            "waiting for an answer can be withdrawn"
        )
    _end_membership(member, by=by, status=MemberStatus.WITHDRAWN)
    consortium = member.consortium
    audit.record(
        action="consortium.invitation_withdrawn",
        obj=consortium,
        actor=by,
        organisation=consortium.lead,
        member=member.organisation_id,
    )
    email_on_commit(
        to=selectors.admin_emails(member.organisation),
        subject=f"Invitation withdrawn: {consortium.name}",
        body=f"{consortium.lead} has withdrawn its invitation to {member.organisation} to join "
        f"the consortium {consortium.name}. There is nothing you need to do.\n",
    )
    return member


@transaction.atomic
def remove_member(*, member: ConsortiumMember, by) -> ConsortiumMember:
    """The lead removes a member that had accepted. From then on the member's people no longer
    see the consortium's bids. Refused while the consortium has a submitted bid."""
    require(
        by,
        "suppliers.manage_consortium",
        member.consortium,
        "Only the lead organisation's admin can remove a member",
    )
    if member.role == MemberRole.LEAD:
        raise DomainError(
            "The lead cannot be removed from its own consortium", code="lead_cannot_leave"
        )
    member = _locked_member(member)
    if member.status == MemberStatus.INVITED:
        raise InvalidTransition(
            f"{member.organisation} has not accepted yet: withdraw the invitation instead"
        )
    if member.status != MemberStatus.ACCEPTED:
        raise InvalidTransition(f"{member.organisation} is not a member of the consortium")
    _refuse_while_bid_submitted(member, verb="be removed")
    _end_membership(member, by=by, status=MemberStatus.REMOVED)
    consortium = member.consortium
    audit.record(
        action="consortium.member_removed",
        obj=consortium,
        actor=by,
        organisation=consortium.lead,
        member=member.organisation_id,
    )
    email_on_commit(
        to=selectors.admin_emails(member.organisation),
        subject=f"Removed from {consortium.name}",
        body=f"{consortium.lead} has removed {member.organisation} from the consortium "
        f"{consortium.name}. Your people no longer see its bids, and it no longer bids for "
        "you.\n",
    )
    return member


@transaction.atomic
def leave_consortium(*, member: ConsortiumMember, by) -> ConsortiumMember:
    """A member's admin takes its organisation out of a consortium it had joined. The lead
    cannot leave its own consortium. Refused while the consortium has a submitted bid."""
    require(
        by,
        "suppliers.leave_consortium",
        member,
        "Only your organisation's admin can take it out of a consortium",
    )
    if member.role == MemberRole.LEAD:
        raise DomainError(
            "The lead cannot leave its own consortium: it submits the consortium's bids and "
            "answers for them",
            code="lead_cannot_leave",
        )
    member = _locked_member(member)
    if member.status != MemberStatus.ACCEPTED:
        raise InvalidTransition(f"{member.organisation} is not a member of the consortium")
    _refuse_while_bid_submitted(member, verb="leave")
    _end_membership(member, by=by, status=MemberStatus.LEFT)
    consortium = member.consortium
    audit.record(
        action="consortium.member_left",
        obj=consortium,
        actor=by,
        organisation=member.organisation,
        member=member.organisation_id,
    )
    email_on_commit(
        to=selectors.admin_emails(consortium.lead),
        subject=f"{member.organisation} has left {consortium.name}",
        body=f"{by} of {member.organisation} has taken it out of the consortium "
        f"{consortium.name}. It no longer sees the consortium's bids, and they no longer go "
        "in with its declaration.\n",
    )
    return member


@transaction.atomic
def record_guarantee(*, member: ConsortiumMember, by, given: bool, note: str) -> ConsortiumMember:
    """Where the lead alone is liable, backed by guarantees from the members, the lead's admin
    records whether each member has given its guarantee and what it is (like 'Parent company
    guarantee up to £500,000, deed held by our legal team')."""
    require(
        by,
        "suppliers.manage_consortium",
        member.consortium,
        "Only the lead organisation's admin can record guarantees",
    )
    member = _locked_member(member)
    consortium = member.consortium
    note = (note or "").strip()
    problems = []
    if consortium.liability != Liability.LEAD_WITH_GUARANTEES:
        problems.append(
            "Members give guarantees only where the lead alone is liable: this consortium's "
            "members are jointly and severally liable"
        )
    elif member.role == MemberRole.LEAD:
        problems.append("The lead does not give itself a guarantee")
    elif member.status not in {MemberStatus.INVITED, MemberStatus.ACCEPTED}:
        problems.append(f"{member.organisation} is no longer part of the consortium")
    if given and not note:
        problems.append("Describe the guarantee: what it covers, up to what amount, who signed")
    if len(note) > 1000:
        problems.append("Keep the description to 1,000 characters or fewer")
    _invalid(problems)
    member.guarantee_given = bool(given)
    member.guarantee_note = note
    member.guarantee_recorded_by = by
    member.guarantee_recorded_at = clock.now()
    member.save(
        update_fields=[
            "guarantee_given",
            "guarantee_note",
            "guarantee_recorded_by",
            "guarantee_recorded_at",
        ]
    )
    audit.record(
        action="consortium.guarantee_recorded",
        obj=consortium,
        actor=by,
        organisation=consortium.lead,
        member=member.organisation_id,
        given=member.guarantee_given,
    )
    return member


# --- Subcontractors --------------------------------------------------------------------------


def _editable_bid(bid, by):
    """The bid locked for a change, as the bid's own actions lock it (bids/actions.py)."""
    from levelfield.bids.actions import lock_editable_bid

    return lock_editable_bid(bid=bid, by=by)


@transaction.atomic
def add_subcontractor(
    *,
    bid,
    by,
    name: str,
    size: str,
    share_percent: Decimal | None,
    description: str,
    companies_house_number: str = "",
    is_vcse: bool = False,
    relied_on: bool = False,
    organisation: Organisation | None = None,
) -> BidSubcontractor:
    """Declare a subcontractor on a bid that can still change. Linked to a registered supplier
    (`organisation`), its name, size and VCSE status come from that supplier's profile. A
    subcontractor the bid relies on must be registered, so its declaration can be checked."""
    bid = _editable_bid(bid, by)
    number = companies_house_number.strip().upper().replace(" ", "")
    profile = None
    if organisation is not None:
        profile = selectors.profile_of(organisation)
        if profile is None:
            raise DomainError(
                "That organisation is not a registered supplier", code="unknown_supplier"
            )
        name, size, is_vcse = profile.legal_name, profile.size, profile.is_vcse
        number = profile.companies_house_number
    problems = []
    if organisation is not None and organisation.pk == bid.supplier_id:
        problems.append("A bidder cannot be its own subcontractor")
    if not name.strip():
        problems.append("Enter the subcontractor's name")
    if number and (message := _valid(COMPANIES_HOUSE_NUMBER, number)):
        problems.append(message)
    if size not in Size.values:
        problems.append("Choose the subcontractor's size")
    if share_percent is None or not (Decimal("0") < share_percent <= Decimal("100")):
        problems.append("Enter the subcontractor's share of the contract value, from 0.01 to 100")
    if not description.strip():
        problems.append("Say what the subcontractor will do")
    if relied_on and organisation is None:
        problems.append(
            "A subcontractor you rely on to meet the conditions of participation must be "
            "registered on levelfield, so that its exclusion declaration can be checked: enter "
            "its levelfield identifier or Companies House number"
        )
    if share_percent is not None and not problems:
        taken = sum((s.share_percent for s in bid.subcontractors.all()), Decimal("0"))
        if taken + share_percent > 100:
            problems.append(
                f"Subcontractors' shares would come to {taken + share_percent}%, more than 100%"
            )
    if organisation is not None and bid.subcontractors.filter(organisation=organisation).exists():
        problems.append(f"{name} is already a subcontractor on this bid")
    _invalid(problems)
    assert share_percent is not None  # a problem above when missing
    subcontractor = BidSubcontractor.objects.create(
        bid=bid,
        organisation=organisation,
        name=name.strip(),
        companies_house_number=number,
        size=size,
        is_vcse=is_vcse,
        share_percent=share_percent,
        description=description.strip(),
        relied_on=relied_on,
        added_at=clock.now(),
    )
    audit.record(
        action="bid.subcontractor_added",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        subcontractor=subcontractor.pk,
        share_percent=str(share_percent),
    )
    return subcontractor


@transaction.atomic
def remove_subcontractor(*, subcontractor: BidSubcontractor, by) -> None:
    bid = _editable_bid(subcontractor.bid, by)
    audit.record(
        action="bid.subcontractor_removed",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        subcontractor=subcontractor.pk,
    )
    subcontractor.delete()


def carry_subcontractors(*, contract, bid) -> list[ContractSubcontractor]:
    """Copy the winning bid's subcontractors to its contract, with each one's share of the
    contract value, so indirect spend with SMEs and VCSEs can be reported. Called by
    `contracts.actions.record_contract` inside its transaction."""
    carried = []
    for sub in selectors.subcontractors_of(bid):
        value = (contract.value * sub.share_percent / Decimal("100")).quantize(
            PENNY, rounding=ROUND_HALF_UP
        )
        carried.append(
            ContractSubcontractor.objects.create(
                contract=contract,
                organisation=sub.organisation,
                name=sub.name,
                companies_house_number=sub.companies_house_number,
                size=sub.size,
                is_vcse=sub.is_vcse,
                share_percent=sub.share_percent,
                description=sub.description,
                relied_on=sub.relied_on,
                value=value,
            )
        )
    return carried
