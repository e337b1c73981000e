"""The forms of "Raise a concern", one per step: what kind of concern, its details (with a
picker of the tenders, contracts and invoices the raiser can see, or the procurement described
by hand), and whether the buyer may know who raised it.

The forms check only what a form can (a date is a date, a text fits): whether the details make
a case is `actions.raise_case`'s to say, and the page shows its refusal beside the field."""

from django import forms

from levelfield.accounts.models import Membership, Organisation
from levelfield.core.forms import TypedDateField

from . import case_rules, selectors
from .forms_common import MultipleFileField
from .models import CaseKind

PICKER_LIMIT = 300  # the newest first; one described by hand is always possible


class TenderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference}: {obj.title} ({obj.buyer.name})"


class ContractChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference}: {obj.title} ({obj.buyer.name}, {obj.supplier.name})"


class InvoiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return (
            f"Invoice {obj.reference}, £{obj.amount:,.2f}, received {obj.received_on:%d/%m/%Y} "
            f"({obj.contract.reference}, {obj.contract.buyer.name})"
        )


def _text(label: str, *, limit: int, hint: str = "", rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=hint,
        widget=widget,
        error_messages={"max_length": f"Write {limit:,} characters or fewer"},
    )


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is your concern about?",
        choices=CaseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your concern is about"},
    )


def _newest(queryset):
    """The first PICKER_LIMIT of `queryset`, still a queryset a choice field can look up in."""
    return queryset.filter(pk__in=queryset.values("pk")[:PICKER_LIMIT])


class DetailsForm(forms.Form):
    """What happened, and what it is about. `kind` decides which fields are shown."""

    description = _text(
        "What happened?",
        limit=case_rules.DESCRIPTION_MAX,
        rows=8,
        hint="Say what the buyer or contractor did, and when. Only the review team reads this: "
        "the buyer is asked its own questions.",
    )
    authority = forms.ModelChoiceField(
        label="The contracting authority, if it is on levelfield",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.BUYER).order_by("name"),
        required=False,
        empty_label="It is not on levelfield",
    )
    authority_name = _text(
        "The contracting authority's name, if it is not on levelfield", limit=case_rules.NAME_MAX
    )
    procurement_title = _text("The procurement's title", limit=case_rules.NAME_MAX)
    notice_reference = _text(
        "The notice's reference",
        limit=case_rules.REFERENCE_MAX,
        hint="On Find a Tender or Contracts Finder, for example 2026/S 000-012345",
    )

    FIELDS: dict[str, tuple[str, ...]] = {
        CaseKind.PROCUREMENT: (
            "tender",
            "procurement_title",
            "notice_reference",
            "procurement_date",
            "authority",
            "authority_name",
            "description",
        ),
        CaseKind.SUBCONTRACT: (
            "contract",
            "procurement_title",
            "notice_reference",
            "prime_contractor_name",
            "authority",
            "authority_name",
            "description",
        ),
        CaseKind.LATE_PAYMENT: (
            "invoice",
            "invoice_reference",
            "invoice_amount",
            "invoice_received_on",
            "procurement_title",
            "authority",
            "authority_name",
            "description",
        ),
    }

    def __init__(self, *args, kind: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = selectors.raiser_choices(user)
        if kind == CaseKind.PROCUREMENT:
            self.fields["tender"] = TenderChoice(
                label="The tender on levelfield",
                queryset=_newest(choices.tenders),
                required=False,
                empty_label="It is not on levelfield: I describe it below",
                help_text="Tenders published in the last 2 years, newest first",
            )
            self.fields["procurement_date"] = TypedDateField(
                label="When it was advertised or the contract awarded",
                noun="the date it was advertised or awarded",
                required=False,
            )
        elif kind == CaseKind.SUBCONTRACT:
            self.fields["contract"] = ContractChoice(
                label="The contract on levelfield",
                queryset=_newest(choices.contracts),
                required=False,
                empty_label="It is not on levelfield: I describe it below",
            )
            self.fields["procurement_title"].label = "The contract's title"
            self.fields["notice_reference"].label = "The contract notice's reference (optional)"
            self.fields["prime_contractor_name"] = _text(
                "The prime contractor's name", limit=case_rules.NAME_MAX
            )
        else:
            self.fields["invoice"] = InvoiceChoice(
                label="Your organisation's invoice on levelfield",
                queryset=_newest(choices.invoices),
                required=False,
                empty_label="It is not on levelfield: I describe it below",
                help_text="If you choose one, the buyer will know it was your organisation",
            )
            self.fields["invoice_reference"] = _text(
                "The invoice's reference", limit=case_rules.REFERENCE_MAX
            )
            self.fields["invoice_amount"] = _text(
                "The invoice's amount in pounds", limit=30, hint="For example, 1250.00"
            )
            self.fields["invoice_received_on"] = TypedDateField(
                label="When the buyer received it",
                noun="the date the buyer received the invoice",
                required=False,
            )
            self.fields["procurement_title"].label = "The contract's title (optional)"
        self.order_fields(self.FIELDS[kind])
        for name in list(self.fields):
            if name not in self.FIELDS[kind]:
                del self.fields[name]


class AnonymityForm(forms.Form):
    buyer_may_know = forms.TypedChoiceField(
        label="May the buyer know it was you?",
        choices=[
            ("no", "No: keep my name and my organisation's name from the buyer"),
            ("yes", "Yes: the buyer may know who raised it"),
        ],
        widget=forms.RadioSelect,
        help_text="The review team always knows. If you say no, nothing the buyer can see "
        "names you: not the pages, the emails, the published outcome, nor your files' names.",
        error_messages={"required": "Say whether the buyer may know it was you"},
    )
    raiser_organisation = forms.ModelChoiceField(
        label="Are you raising it for an organisation?",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No, for myself",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["raiser_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organisation")
        ).order_by("name")


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(
        label="Evidence (optional)",
        help_text=f"Up to {case_rules.MAX_EVIDENCE_FILES} files: PDF, Word, Excel, images. "
        "The buyer never sees your files' names.",
    )


class AddEvidenceForm(forms.Form):
    evidence = forms.FileField(
        label="File",
        error_messages={"required": "Choose a file to add"},
        help_text="PDF, Word, Excel or an image",
    )
