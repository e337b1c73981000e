"""The concentration risk page's GET form: the share to list suppliers above, and the date."""

from decimal import Decimal, InvalidOperation

from django import forms

from levelfield.core import clock

from . import concentration

# Dates typed in one box: 27/3/2026, 27 3 2026, 27 March 2026, or 2026-03-27 (the API's form).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]


class OneBoxDateField(forms.DateField):
    """A date typed in one box, which a link can carry as it is."""

    def __init__(self, *, label: str, noun: str, **kwargs):
        super().__init__(
            label=label,
            input_formats=DATE_INPUT_FORMATS,
            error_messages={
                "invalid": f"Enter {noun} as a real date, like 27/3/2026",
                "required": f"Enter {noun}",
            },
            widget=forms.TextInput(attrs={"spellcheck": "false"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = " ".join(value.split())
        return super().to_python(value)


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
        return value

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or clock.today_uk()
