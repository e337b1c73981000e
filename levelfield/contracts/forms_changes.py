"""Forms for a contract's changes and its end. They parse what was typed; the actions in
`actions/changes.py` and `actions/ending.py` decide, and their refusals are shown on the form."""

from django import forms

from levelfield.core.forms import PoundsField

from .actions.changes import DESCRIPTION_REQUIRED, END_DATE_AFTER_REQUIRED, VALUE_AFTER_REQUIRED
from .actions.ending import (
    CLASSIFICATION_UNKNOWN,
    FINAL_END_DATE_REQUIRED,
    REASON_REQUIRED,
    TERMINATED_ON_REQUIRED,
    TerminationReason,
)
from .models import Rating

DATE_HINT = "For example, 27/3/2026"


def _description() -> forms.CharField:
    return forms.CharField(
        label="What changes, and why",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published in the contract change notice when one is required.",
        error_messages={"required": DESCRIPTION_REQUIRED},
    )


class ModificationForm(forms.Form):
    """A modification: the contract's value and end date once changed."""

    description = _description()
    value_after = PoundsField(
        label="Value after the change",
        noun="the value after the change",
        example="110000",
        help_text="The contract's whole value once changed, in pounds.",
        error_messages={"required": VALUE_AFTER_REQUIRED},
    )
    end_date_after = forms.DateField(
        label="End date after the change",
        help_text="Unchanged if the term stays.",
        error_messages={
            "required": END_DATE_AFTER_REQUIRED,
            "invalid": "Enter a real end date after the change",
        },
    )


class OptionUseForm(forms.Form):
    """Using an option to extend: its months and value are added."""

    description = _description()


class StandstillForm(forms.Form):
    """Shown with the s.75 answer when a notice is required; the standstill's length is the
    answer's (the rules' version applied to the contract)."""

    voluntary_standstill = forms.BooleanField(
        label="Wait for a voluntary standstill before making the change",
        required=False,
        help_text="Procurement Act 2023 s.76. The change is made when it ends, by the "
        "platform's daily run or by you.",
    )

    def __init__(self, *args, working_days: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if working_days is not None:
            self.fields["voluntary_standstill"].label = (
                f"Wait for a voluntary standstill of {working_days} working "
                f"day{'s' if working_days != 1 else ''} before making the change"
            )


class TerminateForm(forms.Form):
    classification = forms.ChoiceField(
        label="Why the contract is ending early",
        choices=TerminationReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CLASSIFICATION_UNKNOWN},
    )
    reason = forms.CharField(
        label="The reason, in your words",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published in the contract termination notice, and sent to the supplier.",
        error_messages={"required": REASON_REQUIRED},
    )
    terminated_on = forms.DateField(
        label="Date the contract terminated",
        help_text=DATE_HINT,
        error_messages={
            "required": TERMINATED_ON_REQUIRED,
            "invalid": "Enter a real date the contract terminated",
        },
    )
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
    final_end_date = forms.DateField(
        label="Date delivery ended",
        help_text=DATE_HINT,
        error_messages={
            "required": FINAL_END_DATE_REQUIRED,
            "invalid": "Enter a real date delivery ended",
        },
    )
    # s.71: optional here; `ending.complete` says when it is needed (none covers the period up
    # to the date delivery ended) and when it is not.
    rating = forms.ChoiceField(
        label="The supplier's performance up to the end",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="s.71 requires an assessment when a contract ends, unless one already covers "
        "the period up to the date delivery ended; it is published as a contract performance "
        "notice.",
    )
    narrative = forms.CharField(
        label="How the supplier performed",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
