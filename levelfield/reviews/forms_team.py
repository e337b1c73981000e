"""The review team's forms, one per step of a case, and the respondent's response. Each field
is the action's argument of the same name; the actions decide (`forms_common.show_domain_error`
puts a refusal beside its field)."""

from django import forms

from levelfield.core.forms import TypedDateField

from . import case_rules
from .forms_common import MultipleFileField
from .lifecycle import CaseStatus
from .models import CaseKind, Outcome
from .targets import Sector


def _text(label: str, hint: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=case_rules.TEXT_MAX,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"Write {case_rules.TEXT_MAX:,} characters or fewer"},
    )


ANONYMOUS_HINT = "The case is anonymous: do not name who raised it."


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CaseStatus.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *CaseKind.choices]
    )


class AcceptForm(forms.Form):
    sector = forms.ChoiceField(
        label="Which target applies?",
        choices=Sector.choices,
        widget=forms.RadioSelect,
        help_text="Central government authorities: 2 months; the wider public sector: 3 months",
        error_messages={"required": "Choose the authority's sector"},
    )


class RejectForm(forms.Form):
    reason = _text("Why is the case rejected?", "The raiser is sent this reason.")


class RequestForm(forms.Form):
    organisation = forms.ChoiceField(label="Whom to ask", widget=forms.RadioSelect)
    question = _text("What do you ask?", rows=6)
    due_on = TypedDateField(label="Respond by", noun="the date the response is due")

    def __init__(self, *args, organisations, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(o.pk), o.name) for o in organisations]
        if anonymous:
            self.fields["question"].help_text = ANONYMOUS_HINT


class FindingsForm(forms.Form):
    findings = _text("What did the review find?", rows=8)
    recommendations = _text("What does the review recommend?", rows=8)

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            self.fields["findings"].help_text = ANONYMOUS_HINT


class FollowUpForm(forms.Form):
    note = _text("What did the follow-up find?", "The buyer is told.")


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    summary = _text("Summary of how the case ended", "The raiser and the buyer read it.")
    amount_unblocked = forms.CharField(
        label="Late payments unblocked, in pounds (optional)",
        required=False,
        max_length=30,
        help_text="For example, 1250.00",
    )


class PublishForm(forms.Form):
    summary = _text(
        "Summary for the public",
        "Published with the authority and the procurement. Never name who raised the case, "
        "even if the buyer may know.",
        rows=6,
    )


class RespondForm(forms.Form):
    response = _text("Your response", rows=8)
    documents = MultipleFileField(
        label="Documents (optional)",
        help_text=f"Up to {case_rules.MAX_DOCUMENTS} files: PDF, Word, Excel, images",
    )
