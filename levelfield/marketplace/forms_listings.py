"""The forms of a supplier's listing pages. They take what is typed and leave the checking to the
rule (listing_rules, called by the actions): a refusal's problems are shown beside their fields
(`show_problems`). Features and benefits are typed one a line."""

from django import forms

from levelfield.core.forms import choice_field
from levelfield.suppliers.models import CertificateKind

from . import listing_rules as limits
from .listing_rules import CONTENT_FIELDS, LABELS, ListingRefused

LINES_HINT = f"One a line, up to {limits.LINES_MAX}, each at most {limits.LINE_MAX} characters"


class ListingForm(forms.Form):
    """A listing's content; with `change_note` for a submitted or live listing (a version)."""

    name = forms.CharField(
        label=LABELS["name"], required=False, help_text=f"At most {limits.NAME_MAX} characters"
    )
    summary = forms.CharField(
        label=LABELS["summary"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"What the service is, in a sentence or two (at most {limits.SUMMARY_MAX} "
        "characters). Buyers see it in search results.",
    )
    description = forms.CharField(
        label=LABELS["description"], required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    features = forms.CharField(
        label=LABELS["features"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=LINES_HINT,
    )
    benefits = forms.CharField(
        label=LABELS["benefits"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=LINES_HINT,
    )
    category = forms.ChoiceField(label=LABELS["category"], required=False, choices=())
    price = forms.CharField(
        label="Price in pounds",
        required=False,
        help_text="Like 120.00; 0 for a free service",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    price_unit = forms.CharField(
        label=LABELS["price_unit"],
        required=False,
        help_text="What the price is for, like per user per month",
    )
    discounts = forms.CharField(
        label=LABELS["discounts"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For volume or a longer term, in words",
    )
    certifications = forms.MultipleChoiceField(
        label=LABELS["certifications"],
        required=False,
        choices=CertificateKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="To submit, your supplier profile must hold a current certificate for each",
    )

    def __init__(self, *args, categories=(), change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "category").choices = [
            ("", "Choose a category"),
            *((category, category) for category in categories),
        ]
        if change:
            self.fields["change_note"] = forms.CharField(
                label=LABELS["change_note"],
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Buyers read it in the listing's history",
            )

    @staticmethod
    def initial_from(listing) -> dict:
        initial = {field: getattr(listing, field) for field in CONTENT_FIELDS}
        initial["features"] = "\n".join(listing.features)
        initial["benefits"] = "\n".join(listing.benefits)
        initial["price"] = "" if listing.price is None else str(listing.price)
        return initial

    def content(self) -> dict:
        """What was typed, for the action (the rule cleans and checks it)."""
        return {field: self.cleaned_data[field] for field in CONTENT_FIELDS}

    def show_problems(self, refused: ListingRefused) -> None:
        for field, message in refused.problems.items():
            self.add_error(field if field in self.fields else None, message)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the reason to 500 characters or fewer"},
    )


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        required=False,
        help_text="Like Service definition, Terms and conditions or Pricing document",
    )
    upload = forms.FileField(
        label="File",
        required=False,
        help_text="PDF, Word (DOCX), Excel (XLSX), OpenDocument (ODT, ODS), CSV or text",
    )
