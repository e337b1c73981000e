"""Forms for a contract's changes and its end. They parse what was typed; the actions in
`actions/changes.py` and `actions/ending.py` decide, and their refusals are shown on the form."""

from django import forms

from levelfield.core.forms import PoundsField

from .actions.ending import TerminationReason
from .models import Rating

DATE_HINT = "For example, 27/3/2026"


def _date(label: str, noun: str, hint: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=hint,
        error_messages={"required": f"Enter the {noun}", "invalid": f"Enter a real {noun}"},
    )


def _description() -> forms.CharField:
    return forms.CharField(
        label="What changes, and why",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published in the contract change notice when one is required.",
        error_messages={"required": "Describe the change and why it is needed"},
    )


class ModificationForm(forms.Form):
    """A modification: the contract's value and end date once changed."""

    description = _description()
    value_after = PoundsField(
        label="Value after the change",
        noun="the value after the change",
        example="110000",
        help_text="The contract's whole value once changed, in pounds.",
        error_messages={"required": "Enter the contract's value after the change"},
    )
    end_date_after = _date(
        "End date after the change", "end date after the change", "Unchanged if the term stays."
    )


class OptionUseForm(forms.Form):
    """Using an option to extend: its months and value are added."""

    description = _description()


class StandstillForm(forms.Form):
    """Shown with the s.75 answer when a notice is required."""

    voluntary_standstill = forms.BooleanField(
        label="Wait for a voluntary standstill of 8 working days before making the change",
        required=False,
        help_text="Procurement Act 2023 s.76. The change is made when it ends, by the "
        "platform's daily run or by you.",
    )


class TerminateForm(forms.Form):
    classification = forms.ChoiceField(
        label="Why the contract is ending early",
        choices=TerminationReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of reason for the termination"},
    )
    reason = forms.CharField(
        label="The reason, in your words",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published in the contract termination notice, and sent to the supplier.",
        error_messages={"required": "Say why the contract is being terminated"},
    )
    terminated_on = _date("Date the contract terminated", "date the contract terminated")
    rating = forms.ChoiceField(
        label="The supplier's performance up to termination",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        help_text="s.71 requires an assessment at termination; it is published as a contract "
        "performance notice.",
        error_messages={"required": "Choose a rating for the supplier's performance"},
    )
    narrative = forms.CharField(
        label="How the supplier performed",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say how the supplier performed"},
    )


class CompleteForm(forms.Form):
    final_value = PoundsField(
        label="Final value paid",
        noun="the final value",
        example="98500",
        help_text="What was paid under the contract in all, in pounds.",
        error_messages={"required": "Enter the final value paid"},
    )
    final_end_date = _date("Date delivery ended", "date delivery ended")
