"""Forms on the public pages: the opportunity search and a supplier's clarification question."""

import re
from decimal import Decimal
from typing import Any

from django import forms

from levelfield.core.forms import PoundsField
from levelfield.core.money import format_gbp
from levelfield.suppliers.models import Region

from .models import ReservedParticipation
from .selectors import CLOSED, NOT_RESERVED, OPEN

_CPV_INPUT = re.compile(r"^[0-9]{2,8}(-[0-9])?$")

# Dates typed into a filter: 27/3/2026, 27 3 2026, 27 March 2026, or 2026-03-27 (the form a
# saved search and the API use).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]

RESERVED_FILTER_CHOICES = [
    ("", "Reserved or not"),
    (NOT_RESERVED, "Not reserved: open to every supplier"),
    *[(code, label) for code, label in ReservedParticipation.choices if code],
]


class FilterDateField(forms.DateField):
    """A date typed in one box, which a search link or saved search can carry as it is."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label,
            required=False,
            input_formats=DATE_INPUT_FORMATS,
            help_text="For example, 27/3/2026",
            error_messages={
                "invalid": f"{label} must be a real date, like 27/3/2026",
            },
            widget=forms.TextInput(attrs={"spellcheck": "false"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = " ".join(value.split())
        return super().to_python(value)


class OpportunitySearchForm(forms.Form):
    q = forms.CharField(
        label="Keyword",
        required=False,
        max_length=200,
        help_text="Words in the title or description, or a reference like LF-2026-00012",
    )
    cpv = forms.CharField(
        label="CPV code",
        required=False,
        max_length=10,
        help_text="A full code like 85300000 or its first digits, like 853",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    min_value = PoundsField(
        label="Minimum value (£)", noun="the minimum value", required=False, min_value=Decimal(0)
    )
    max_value = PoundsField(
        label="Maximum value (£)",
        noun="the maximum value",
        required=False,
        min_value=Decimal(0),
        example="250000",
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any region"), *Region.choices]
    )
    sme = forms.BooleanField(label="Suitable for SMEs", required=False)
    vcse = forms.BooleanField(label="Suitable for VCSEs", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Open or closed"), (OPEN, "Open for bids"), (CLOSED, "Closed")],
    )
    reserved = forms.ChoiceField(
        label="Reserved participation", required=False, choices=RESERVED_FILTER_CHOICES
    )
    closing_after = FilterDateField(label="Closing on or after")
    closing_before = FilterDateField(label="Closing on or before")

    # The filters, in the order a saved search keeps them.
    FILTER_NAMES = (
        "q",
        "cpv",
        "min_value",
        "max_value",
        "region",
        "status",
        "sme",
        "vcse",
        "reserved",
        "closing_after",
        "closing_before",
    )

    def clean_cpv(self):
        code = self.cleaned_data["cpv"].strip()
        if code and not _CPV_INPUT.match(code):
            raise forms.ValidationError(
                "Enter a CPV code of 2 to 8 digits, like 85300000 or 853", code="cpv"
            )
        return code

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_value", "The maximum value must be the same as or more than the minimum"
            )
        after, before = cleaned.get("closing_after"), cleaned.get("closing_before")
        if after is not None and before is not None and after > before:
            self.add_error(
                "closing_before",
                "Closing on or before must be the same as or after closing on or after",
            )
        return cleaned

    def params(self) -> dict[str, str]:
        """The valid filters as query parameters, empty ones left out: what a saved search
        keeps and a search link carries. Dates as 2026-03-27, money as plain numbers."""
        filters = self.filters()
        values = {
            "q": filters.get("keyword", ""),
            "cpv": filters.get("cpv", ""),
            "min_value": filters.get("min_value"),
            "max_value": filters.get("max_value"),
            "region": filters.get("region", ""),
            "status": filters.get("status", ""),
            "sme": "on" if filters.get("sme") else "",
            "vcse": "on" if filters.get("vcse") else "",
            "reserved": filters.get("reserved", ""),
            "closing_after": filters.get("closing_after"),
            "closing_before": filters.get("closing_before"),
        }
        params = {}
        for name in self.FILTER_NAMES:
            value = values[name]
            if value is None or value == "":
                continue
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return params

    def describe(self) -> list[tuple[str, str]]:
        """The valid filters as (label, value) pairs people can read."""
        if self.is_bound:
            self.is_valid()
        cleaned: dict[str, Any] = getattr(self, "cleaned_data", {})
        rows = []
        for name in self.FILTER_NAMES:
            value = cleaned.get(name)
            if value is None or value in ("", False):
                continue
            field = self.fields[name]
            if isinstance(field, forms.BooleanField):
                text = "Yes"
            elif isinstance(field, forms.ChoiceField):
                # django-stubs type the choices read as those that may be set (a mapping, a
                # Choices class, a callable); read, they are (value, label) pairs
                text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            elif isinstance(field, forms.DateField):
                text = f"{value.day} {value:%B %Y}"
            elif isinstance(field, PoundsField):
                text = format_gbp(value)
            else:
                text = str(value)
            rows.append((str(field.label), text))
        return rows

    def filters(self) -> dict:
        """The filters to search with. A filter with an error is left out, so the rest of the
        search still works while the person corrects it."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "keyword": cleaned.get("q") or "",
            "cpv": cleaned.get("cpv") or "",
            "min_value": cleaned.get("min_value"),
            "max_value": cleaned.get("max_value"),
            "region": cleaned.get("region") or "",
            "sme": bool(cleaned.get("sme")),
            "vcse": bool(cleaned.get("vcse")),
            "status": cleaned.get("status") or "",
            "reserved": cleaned.get("reserved") or "",
            "closing_after": cleaned.get("closing_after"),
            "closing_before": cleaned.get("closing_before"),
        }


class AskQuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The buyer publishes the question and its answer on this page for every "
        "supplier. Your name and your organisation's name are never shown.",
        error_messages={"required": "Enter your question"},
    )
