"""Forms of the financial standing pages. They read what was typed into the values the actions
take; the rules (a known indicator, a number, a date not in the future, a notice time neither in
the future nor before the breach) are the actions' (`actions_financial.reading_problems`,
`indicator_problems`, `record_breach_notified`), and each refusal is shown beside its field."""

from datetime import datetime

from django import forms

from levelfield.core.display import uk_local
from levelfield.core.errors import DomainError
from levelfield.core.forms import TypedDateField, add_domain_error
from levelfield.tenders.forms import parse_uk_time, uk_to_utc

from .models.financial import Direction


class _AnyChoice(forms.ChoiceField):
    """A list to choose from whose value the action checks (and names when unknown)."""

    def valid_value(self, value) -> bool:
        return True


def show_refusal(form, exc: DomainError, fields: dict[str, str]) -> None:
    """Put each of a refused action's problems beside the field it is about (`fields` maps the
    start of a problem, as the action words it, to the field); any other at the top."""
    problems = exc.details or [exc.message]
    for problem in problems:
        field = next((f for start, f in fields.items() if problem.startswith(start)), None)
        if field is None:
            add_domain_error(form, DomainError(problem))
        else:
            form.add_error(field, problem)


class ReadingForm(forms.Form):
    indicator = _AnyChoice(label="Indicator", required=False)
    value = forms.CharField(
        label="Value",
        required=False,
        max_length=40,
        help_text="A number, like 1250000 or -3.5 (commas, £ and % are allowed)",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"max_length": "Enter the value as a number, like 1250000 or -3.5"},
    )
    as_of = TypedDateField(
        label="Date the reading is as of", noun="the date the reading is as of", required=False
    )

    # How `reading_problems` words each problem, and the field it is about.
    PROBLEMS = {
        "There is no indicator": "indicator",
        "The indicator": "indicator",
        "Enter the value": "value",
        "The value": "value",
        "Enter the date": "as_of",
        "The reading date": "as_of",
    }

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "Choose an indicator")] + [
            (i.code, f"{i.name} ({i.get_direction_display().lower()} {_plain(i.threshold)})")
            for i in indicators
        ]


class IndicatorForm(forms.Form):
    name = forms.CharField(label="Name", required=False, help_text="For example, Days of cash")
    code = forms.CharField(
        label="Code",
        required=False,
        help_text="How a CSV file of readings names it: lower-case letters, digits and "
        "underscores, starting with a letter, like days_cash",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    unit = forms.CharField(
        label="Unit (optional)",
        required=False,
        help_text="For example, days, £ or %",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    direction = _AnyChoice(
        label="When is a reading a breach?",
        required=False,
        choices=Direction.choices,
        widget=forms.RadioSelect,
    )
    threshold = forms.CharField(
        label="Threshold",
        required=False,
        help_text="A reading past this number raises a breach (at the threshold is not past it)",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    PROBLEMS = {
        "Enter a code": "code",
        "There is already an indicator": "code",
        "Enter the indicator's name": "name",
        "The name": "name",
        "Choose whether": "direction",
        "The threshold": "threshold",
        "The unit": "unit",
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of readings",
        help_text="A header row, then one reading a row: supplier (Companies House number or "
        "platform identifier, like GB-LEVELFIELD-12), indicator code, value, as of date (like "
        "31/03/2026 or 2026-03-31).",
        error_messages={"required": "Choose a CSV file to import"},
    )


class NotifiedForm(forms.Form):
    """When a breach was notified, in UK time (the action refuses a time in the future or
    before the breach was raised)."""

    day = TypedDateField(label="Date notified", noun="the date it was notified")
    time = forms.CharField(
        label="Time notified (UK time)",
        max_length=20,
        help_text="For example, 14:30 or 2:30pm",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the time it was notified",
            "max_length": "Enter the time it was notified like 14:30 or 2:30pm",
        },
    )

    PROBLEMS = {"The time notified": "time"}

    def clean(self):
        data = super().clean()
        day, text = data.get("day"), data.get("time")
        if day is None or not text:
            return data
        try:
            data["notified_at"] = uk_to_utc(day, parse_uk_time(text))
        except ValueError:
            self.add_error("time", "Enter the time it was notified like 14:30 or 2:30pm")
        return data

    @classmethod
    def initial_for(cls, moment: datetime) -> dict:
        local = uk_local(moment)[0]
        return {"day": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}


class SupplierSearchForm(forms.Form):
    q = forms.CharField(
        label="Supplier's name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={"max_length": "Enter up to 200 characters of the supplier's name"},
    )


def _plain(value) -> str:
    """A threshold as a person would type it: 40, not 40.0000."""
    return format(value.normalize(), ",f")
