from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from levelfield.accounts.models import Organisation
from levelfield.bids.sealed_rows import TenderSealable
from levelfield.core.sealing import SealableCharField, SealableTextField, SealedField

# Companies House numbers: 8 digits, or 2 letters (SC, NI, OC, ...) then 6 digits.
COMPANIES_HOUSE_NUMBER = RegexValidator(
    r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$",
    "Enter a Companies House number in the correct format, like 01234567 or SC123456",
    code="companies_house_number",
)


class Size(models.TextChoices):
    MICRO = "micro", "Micro"
    SMALL = "small", "Small"
    MEDIUM = "medium", "Medium"
    LARGE = "large", "Large"


class Region(models.TextChoices):
    NORTH_EAST = "UKC", "North East"
    NORTH_WEST = "UKD", "North West"
    YORKSHIRE = "UKE", "Yorkshire and the Humber"
    EAST_MIDLANDS = "UKF", "East Midlands"
    WEST_MIDLANDS = "UKG", "West Midlands"
    EAST = "UKH", "East of England"
    LONDON = "UKI", "London"
    SOUTH_EAST = "UKJ", "South East"
    SOUTH_WEST = "UKK", "South West"
    WALES = "UKL", "Wales"
    SCOTLAND = "UKM", "Scotland"
    NORTHERN_IRELAND = "UKN", "Northern Ireland"


# Charity numbers: England and Wales 6 or 7 digits; Scotland SC and 6 digits; Northern Ireland
# NIC and 6 digits (the three charity regulators' registers).
CHARITY_NUMBER = RegexValidator(
    r"^([0-9]{6,7}|SC[0-9]{6}|NIC[0-9]{6})$",
    "Enter a charity number in the correct format, like 1234567, SC012345 or NIC100001",
    code="charity_number",
)

# The platform's own organisation identifiers, as published in OCDS (tenders/ocds.py).
PLATFORM_SCHEME = "GB-LEVELFIELD"


class VcseType(models.TextChoices):
    CHARITY = "charity", "Charity"
    CIC = "cic", "Community interest company"
    COOPERATIVE = "cooperative", "Co-operative"
    MUTUAL = "mutual", "Mutual"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    OTHER = "other", "Other voluntary or community organisation"


# The most staff an organisation can declare: more is a typing mistake (the largest UK employers
# have a few hundred thousand), and would not fit the column.
MAX_STAFF = 10_000_000


class SupplierProfile(models.Model):
    """One supplier profile, reused for every bid: who the organisation is, its size (worked out
    from its figures where it gave them), whether it is a VCSE, where it works and what work it
    wants to hear about."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="supplier_profile"
    )
    legal_name = models.CharField(max_length=200)
    companies_house_number = models.CharField(
        max_length=8, blank=True, validators=[COMPANIES_HOUSE_NUMBER]
    )
    # Worked out from the figures below when they are given (`size_basis` names the definition
    # used); otherwise the size the organisation declared when it registered.
    size = models.CharField(max_length=10, choices=Size.choices)
    is_vcse = models.BooleanField("VCSE", default=False)
    region = models.CharField(max_length=3, choices=Region.choices)
    vcse_type = models.CharField("VCSE type", max_length=20, blank=True, choices=VcseType.choices)
    charity_number = models.CharField(max_length=9, blank=True, validators=[CHARITY_NUMBER])
    staff_headcount = models.PositiveIntegerField(null=True, blank=True)
    annual_turnover = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    balance_sheet_total = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    size_basis = models.CharField(max_length=20, blank=True)
    size_worked_out_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_turnover__isnull=True) | Q(annual_turnover__gte=0),
                name="profile_turnover_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(balance_sheet_total__isnull=True) | Q(balance_sheet_total__gte=0),
                name="profile_balance_sheet_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(vcse_type="") | Q(is_vcse=True), name="profile_vcse_type_is_vcse"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_sme(self) -> bool:
        return self.size != Size.LARGE

    @property
    def platform_identifier(self) -> str:
        return f"{PLATFORM_SCHEME}-{self.organisation_id}"

    @property
    def size_is_computed(self) -> bool:
        return bool(self.size_basis)

    def size_result(self):
        """How the size was worked out (a `sizing.SizeResult`), or None if it was declared."""
        from .sizing import classify, definition_by_code

        if not self.size_basis or self.staff_headcount is None:
            return None
        return classify(
            staff=self.staff_headcount,
            turnover=self.annual_turnover,
            balance_sheet=self.balance_sheet_total,
            definition=definition_by_code(self.size_basis),
        )


class ServedRegion(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="served_regions"
    )
    region = models.CharField(max_length=3, choices=Region.choices)

    class Meta:
        ordering = ["region"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "region"], name="unique_served_region")
        ]


# A CPV category of interest: a division (2 digits) down to a full code (8 digits).
CPV_PREFIX = RegexValidator(
    r"^[0-9]{2,8}$", "Enter a CPV code of 2 to 8 digits, like 85 or 85300000", code="cpv_prefix"
)


class CpvInterest(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="cpv_interests"
    )
    code = models.CharField(max_length=8, validators=[CPV_PREFIX])

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="unique_cpv_interest")
        ]


# --- Exclusion declarations ------------------------------------------------------------------


class ExclusionDeclaration(models.Model):
    """An organisation's answers to the exclusion grounds (suppliers/exclusions.py), given once
    and attached to every bid until it is a year old. Never changed: a changed answer is a new
    declaration, and the newest one is the organisation's declaration."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exclusion_declarations"
    )
    grounds_version = models.CharField(max_length=20)
    # {ground code: {"applies": bool, "details": str}}
    answers = models.JSONField()
    mandatory_grounds = models.JSONField(default=list)
    discretionary_grounds = models.JSONField(default=list)
    declared_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("declared_at")), name="declaration_expires_later"
            )
        ]

    def __str__(self) -> str:
        return f"Exclusion declaration by {self.organisation} at {self.declared_at:%Y-%m-%d}"

    @property
    def mandatory_ground_applies(self) -> bool:
        return bool(self.mandatory_grounds)

    def is_current(self, at) -> bool:
        """Made by `at`, less than a year old, and answering the grounds in force at `at`: when
        the grounds change (a new Act or amendment), every supplier is asked to answer again."""
        return self.declared_at <= at < self.expires_at and not self.answers_outdated_grounds(at)

    def answers_outdated_grounds(self, at) -> bool:
        """The exclusion grounds in force at `at` are not the ones this declaration answered."""
        from levelfield.core.clock import UK

        from .exclusions import ground_set_for

        return ground_set_for(at.astimezone(UK).date()).code != self.grounds_version


class BidDeclaration(models.Model):
    """The declaration of the bidder, or of an associated person (consortium member,
    subcontractor relied on), as it stood when the bid was submitted."""

    class Role(models.TextChoices):
        BIDDER = "bidder", "Bidder"
        MEMBER = "member", "Consortium member"
        SUBCONTRACTOR = "subcontractor", "Subcontractor relied on"

    bid = models.ForeignKey("bids.Bid", on_delete=models.CASCADE, related_name="declarations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    declaration = models.ForeignKey(
        ExclusionDeclaration, on_delete=models.PROTECT, related_name="bids"
    )
    role = models.CharField(max_length=15, choices=Role.choices)
    snapshot = models.JSONField()
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "organisation"], name="one_declaration_per_bid_and_organisation"
            )
        ]


# --- Certificates ----------------------------------------------------------------------------


class CertificateKind(models.TextChoices):
    EMPLOYERS_LIABILITY = "employers_liability", "Employer's liability insurance"
    PUBLIC_LIABILITY = "public_liability", "Public liability insurance"
    PROFESSIONAL_INDEMNITY = "professional_indemnity", "Professional indemnity insurance"
    CYBER_ESSENTIALS = "cyber_essentials", "Cyber Essentials"
    CYBER_ESSENTIALS_PLUS = "cyber_essentials_plus", "Cyber Essentials Plus"
    ISO_9001 = "iso_9001", "ISO 9001 (quality management)"
    ISO_14001 = "iso_14001", "ISO 14001 (environmental management)"
    ISO_27001 = "iso_27001", "ISO 27001 (information security)"
    ISO_45001 = "iso_45001", "ISO 45001 (health and safety)"
    OTHER = "other", "Other"


class Certificate(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(max_length=30, choices=CertificateKind.choices)
    title = models.CharField(max_length=200, blank=True)
    number = models.CharField(max_length=100, blank=True)
    issuer = models.CharField(max_length=200)
    expires_on = models.DateField()
    document = models.FileField(upload_to="certificates/%Y/%m/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["expires_on", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.kind == CertificateKind.OTHER and self.title:
            return self.title
        return self.get_kind_display()


class CertificateReminder(models.Model):
    """A reminder sent before a certificate expires: at most one per certificate, threshold and
    expiry date (a renewed expiry date gets its reminders again)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    expires_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before", "expires_on"],
                name="one_reminder_per_certificate_threshold",
            )
        ]


# --- Consortia -------------------------------------------------------------------------------


class Liability(models.TextChoices):
    JOINT_AND_SEVERAL = "joint_and_several", "Joint and several"
    LEAD_WITH_GUARANTEES = "lead_with_guarantees", "Lead only, with guarantees from members"


class Consortium(models.Model):
    """Suppliers bidding as one. The consortium is an organisation of its own (kind supplier,
    with no users): its bids are ordinary bids whose supplier is that organisation. Users of
    each member that has accepted see them; the lead's users start, submit and withdraw them."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="consortium"
    )
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_consortia")
    liability = models.CharField(max_length=25, choices=Liability.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name_plural = "consortia"

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class MemberRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    KEY_SUBCONTRACTOR = "key_subcontractor", "Key subcontractor"


class MemberStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Invitation withdrawn"
    REMOVED = "removed", "Removed"
    LEFT = "left", "Left"


# A membership that ended: the lead withdrew the invitation or removed the member, or the member
# left. The row stays, so the consortium's history reads true; the organisation can be invited
# again.
ENDED_STATUSES = (MemberStatus.WITHDRAWN, MemberStatus.REMOVED, MemberStatus.LEFT)


class ConsortiumMember(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consortium_memberships"
    )
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    status = models.CharField(
        max_length=10, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    # Liability "lead only, with guarantees from members": whether the member has given the lead
    # its guarantee, as the lead's admin records it (None: not recorded yet), and what it is.
    guarantee_given = models.BooleanField(null=True, blank=True)
    guarantee_note = models.TextField(blank=True)
    guarantee_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guarantee_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consortium_id", "invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"], name="one_membership_per_consortium"
            ),
            models.UniqueConstraint(
                fields=["consortium"],
                condition=Q(role="lead"),
                name="one_lead_per_consortium",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "withdrawn"]) | Q(responded_at__isnull=False),
                name="consortium_response_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["withdrawn", "removed", "left"])
                | Q(ended_at__isnull=False),
                name="consortium_end_has_time",
            ),
            models.CheckConstraint(
                condition=Q(guarantee_given__isnull=True) | Q(guarantee_recorded_at__isnull=False),
                name="consortium_guarantee_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) in {self.consortium}"

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATUSES


# --- Subcontractors --------------------------------------------------------------------------


class SubcontractorFields(models.Model):
    """What a bid declares about each subcontractor, and what the contract carries."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The subcontractor's levelfield organisation, when it is registered",
    )
    name = models.CharField(max_length=200)
    companies_house_number = models.CharField(
        max_length=8, blank=True, validators=[COMPANIES_HOUSE_NUMBER]
    )
    size = models.CharField(max_length=10, choices=Size.choices)
    is_vcse = models.BooleanField("VCSE", default=False)
    share_percent = models.DecimalField(max_digits=5, decimal_places=2)
    description = models.TextField()
    relied_on = models.BooleanField(
        default=False,
        help_text="The bidder relies on it to meet the conditions of participation (s.26), "
        "so it is checked for exclusion",
    )

    class Meta:
        abstract = True

    @property
    def is_sme(self) -> bool:
        return self.size != Size.LARGE


class BidSubcontractor(TenderSealable, SubcontractorFields):
    """A subcontractor a bid declares. Who it is and what it does are sealed at rest with the
    bid's price until the bids are opened (bids/sealing.py)."""

    SEALED_FIELDS = ("name", "companies_house_number", "description")

    bid = models.ForeignKey("bids.Bid", on_delete=models.CASCADE, related_name="subcontractors")
    name = SealableCharField(max_length=200)
    companies_house_number = SealableCharField(
        max_length=8, blank=True, validators=[COMPANIES_HOUSE_NUMBER]
    )
    description = SealableTextField()
    added_at = models.DateTimeField()
    sealed = SealedField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="bid_subcontractor_share_in_range",
            )
        ]

    def sealer(self):
        from levelfield.bids.sealing import sealer_for

        return sealer_for(self.sealing_associated(), lots__bids=self.bid_id)

    def sealing_associated(self) -> bytes:
        return f"bid={self.bid_id}:subcontractor".encode()


class ContractSubcontractor(SubcontractorFields):
    """A subcontractor carried from the winning bid to the contract, with its share of the
    contract value, so that indirect spend with SMEs and VCSEs can be reported."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="subcontractors"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="contract_subcontractor_share_in_range",
            )
        ]
