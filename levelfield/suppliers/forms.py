"""Forms for the supplier profile, exclusion declaration, certificates, consortia and a bid's
subcontractors. They turn what people type into what the actions take; the actions check the
rules."""

import re

from django import forms
from django.conf import settings

from levelfield.core.forms import PoundsField

from .exclusions import GroundSet
from .models import (
    MAX_STAFF,
    CertificateKind,
    Liability,
    MemberRole,
    Region,
    Size,
    SupplierProfile,
    VcseType,
)

_SPLIT = re.compile(r"[\s,;]+")


class ProfileForm(forms.Form):
    legal_name = forms.CharField(label="Organisation's legal name", max_length=200)
    companies_house_number = forms.CharField(
        label="Companies House number (optional)",
        max_length=10,
        required=False,
        help_text="8 characters, like 01234567 or SC123456",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    charity_number = forms.CharField(
        label="Charity number (optional)",
        max_length=12,
        required=False,
        help_text="England and Wales: 6 or 7 digits, like 1234567. Scotland: SC and 6 digits. "
        "Northern Ireland: NIC and 6 digits.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    vcse_type = forms.ChoiceField(
        label="Voluntary, community or social enterprise (VCSE)",
        choices=[("", "Not a VCSE"), *VcseType.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    staff_headcount = forms.IntegerField(
        label="Number of staff (optional)",
        required=False,
        min_value=0,
        max_value=MAX_STAFF,
        help_text="Headcount, including part-time staff",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the number of staff as a whole number, like 12",
            "min_value": "The number of staff cannot be negative",
            "max_value": f"The number of staff must be {MAX_STAFF:,} or fewer",
        },
    )
    annual_turnover = PoundsField(
        label="Annual turnover (£, optional)",
        noun="the annual turnover",
        example="850000",
        required=False,
        help_text="From your latest accounts",
    )
    balance_sheet_total = PoundsField(
        label="Balance sheet total (£, optional)",
        noun="the balance sheet total",
        example="400000",
        required=False,
        help_text="Total assets in your latest accounts",
    )
    declared_size = forms.ChoiceField(
        label="Size, if you do not give your figures",
        choices=Size.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="With the figures above, levelfield works your size out and shows how",
    )
    region = forms.ChoiceField(
        label="Region where you are based", choices=[("", "Choose a region"), *Region.choices]
    )
    regions_served = forms.MultipleChoiceField(
        label="Regions you work in (optional)",
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cpv_interests = forms.CharField(
        label="CPV categories you want to hear about (optional)",
        required=False,
        max_length=1000,
        help_text="Codes of 2 to 8 digits separated by spaces or commas, like 85 72500000",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    @classmethod
    def initial_for(cls, profile: SupplierProfile) -> dict:
        return {
            "legal_name": profile.legal_name,
            "companies_house_number": profile.companies_house_number,
            "charity_number": profile.charity_number,
            # A VCSE registered before the types were asked for shows as "other" until changed.
            "vcse_type": profile.vcse_type or (VcseType.OTHER if profile.is_vcse else ""),
            "staff_headcount": profile.staff_headcount,
            "annual_turnover": profile.annual_turnover,
            "balance_sheet_total": profile.balance_sheet_total,
            "declared_size": profile.size,
            "region": profile.region,
            "regions_served": [r.region for r in profile.served_regions.all()],
            "cpv_interests": " ".join(c.code for c in profile.cpv_interests.all()),
        }

    def action_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["cpv_interests"] = [c for c in _SPLIT.split(data["cpv_interests"] or "") if c]
        return data


class DeclarationForm(forms.Form):
    """One yes/no question and a details box per exclusion ground."""

    def __init__(self, *args, grounds: GroundSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.grounds = grounds
        for ground in grounds.grounds:
            self.fields[f"{ground.code}"] = forms.ChoiceField(
                label=ground.question,
                choices=[("no", "No"), ("yes", "Yes")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer yes or no: {ground.title}"},
            )
            self.fields[f"{ground.code}_details"] = forms.CharField(
                label=f"If yes: what happened, when, and what you have done since "
                f"({ground.title.lower()})",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @classmethod
    def initial_from(cls, declaration) -> dict:
        initial = {}
        for code, answer in (declaration.answers if declaration else {}).items():
            initial[code] = "yes" if answer["applies"] else "no"
            initial[f"{code}_details"] = answer["details"]
        return initial

    def sections(self) -> list[tuple[str, list]]:
        """(heading, [(ground, answer field, details field)]) for the template."""

        def rows(grounds):
            return [(g, self[g.code], self[f"{g.code}_details"]) for g in grounds]

        return [
            ("Mandatory exclusion grounds", rows(self.grounds.mandatory)),
            ("Discretionary exclusion grounds", rows(self.grounds.discretionary)),
        ]

    def answers(self) -> dict:
        return {
            g.code: {
                "applies": self.cleaned_data[g.code] == "yes",
                "details": self.cleaned_data[f"{g.code}_details"],
            }
            for g in self.grounds.grounds
        }


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of certificate",
        choices=[("", "Choose a kind"), *CertificateKind.choices],
    )
    title = forms.CharField(
        label="Name of the certificate, if 'Other'", max_length=200, required=False
    )
    number = forms.CharField(
        label="Certificate or policy number (optional)", max_length=100, required=False
    )
    issuer = forms.CharField(
        label="Issued by", max_length=200, help_text="The insurer or certification body"
    )
    expires_on = forms.DateField(
        label="Expiry date",
        help_text="For example, 31/03/2027",
        input_formats=["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the expiry date as day/month/year, like 31/03/2027"},
    )
    document = forms.FileField(
        label="Upload a copy", error_messages={"required": "Upload a copy of the certificate"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = ", ".join(ext.upper() for ext in settings.LEVELFIELD_UPLOAD_EXTENSIONS)
        limit = settings.LEVELFIELD_UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["document"].help_text = f"{types}; up to {limit}MB"


class ConsortiumForm(forms.Form):
    name = forms.CharField(
        label="Consortium name",
        max_length=200,
        help_text="The name it bids under, like 'Wessex Care Partnership'",
    )
    liability = forms.ChoiceField(
        label="How the members share liability",
        choices=Liability.choices,
        widget=forms.RadioSelect,
    )


class InviteMemberForm(forms.Form):
    identifier = forms.CharField(
        label="The organisation's levelfield identifier or Companies House number",
        max_length=40,
        help_text="Like GB-LEVELFIELD-12 (shown on its supplier profile) or 01234567",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role in the consortium",
        choices=[c for c in MemberRole.choices if c[0] != MemberRole.LEAD],
        widget=forms.RadioSelect,
    )


class GuaranteeForm(forms.Form):
    given = forms.TypedChoiceField(
        label="Has the member given its guarantee?",
        choices=[("yes", "Yes"), ("no", "No, not yet")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the member has given its guarantee"},
    )
    note = forms.CharField(
        label="The guarantee",
        required=False,
        max_length=1000,
        help_text="What it covers, up to what amount, who signed it and where the signed copy is "
        "held. Needed if the guarantee has been given.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("given") and not (data.get("note") or "").strip():
            self.add_error(
                "note", "Describe the guarantee: what it covers, up to what amount, who signed"
            )
        return data


class SubcontractorForm(forms.Form):
    identifier = forms.CharField(
        label="If it is registered on levelfield: its identifier or Companies House number",
        max_length=40,
        required=False,
        help_text="Like GB-LEVELFIELD-12 or 01234567. A registered supplier's name, size and "
        "VCSE status come from its profile.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    name = forms.CharField(label="Name (if it is not registered)", max_length=200, required=False)
    companies_house_number = forms.CharField(
        label="Companies House number (optional)", max_length=10, required=False
    )
    size = forms.ChoiceField(
        label="Size (if it is not registered)",
        choices=Size.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    is_vcse = forms.BooleanField(
        label="It is a voluntary, community or social enterprise (VCSE)", required=False
    )
    # From 0.01 to 100 is the action's rule (actions.add_subcontractor), said once there.
    share_percent = forms.DecimalField(
        label="Share of the contract value (%)",
        decimal_places=2,
        help_text="Like 15 or 12.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the subcontractor's share of the contract value",
            "invalid": "Enter the share as a number, like 15 or 12.5",
            "max_decimal_places": "The share can have at most 2 decimal places",
        },
    )
    description = forms.CharField(
        label="What it will do", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    relied_on = forms.BooleanField(
        label="We rely on it to meet the conditions of participation (it must be registered, "
        "and its exclusion declaration is checked)",
        required=False,
    )
