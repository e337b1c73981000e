"""The concentration risk page's GET form: the share to list suppliers above, and the date."""

from decimal import Decimal, InvalidOperation

from django import forms

from levelfield.core import clock
from levelfield.core.forms import TypedDateField

from . import concentration

# The date field of the team's pages (forms_scenarios uses it too).
OneBoxDateField = TypedDateField


class ConcentrationForm(forms.Form):
    threshold = forms.CharField(
        label="Share of the market (%)",
        max_length=20,
        required=False,
        help_text="Suppliers above this share of an authority's contracts in one CPV "
        "division. For example, 25",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    as_of = OneBoxDateField(
        label="Contracts in force on",
        noun="the date",
        required=False,
        help_text="For example, 27/3/2026. Empty for today",
    )

    def clean_threshold(self) -> Decimal:
        text = (self.cleaned_data.get("threshold") or "").strip().rstrip("%").strip()
        if not text:
            return concentration.DEFAULT_THRESHOLD
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        problem = concentration.threshold_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        assert value is not None  # threshold_problem refuses None
        return value

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or clock.today_uk()
