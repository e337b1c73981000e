"""The buyer's "Tendering period" form: the Procurement Act 2023 s.54 details of a draft (the
kind of contract, a planned procurement notice, urgency, a short period's reason).

Each detail that needs more words is a yes/no question revealing its field (GOV.UK conditional
reveal); "yes" without the words is refused at that field. The rules about the values are the
domain's (periods.field_problems), applied here to a copy of the tender so that each problem is
shown beside its field; the action applies them again."""

import copy

from django import forms

from levelfield.core import clock

from . import periods
from .forms import GovukDateField
from .models import ContractKind

YES_NO = [("yes", "Yes"), ("no", "No")]

# Each yes/no question, the field it reveals, and what "yes" without it is told.
REVEALS = (
    (
        "has_planned_notice",
        "s54_planned_notice_published_on",
        "Enter the date the planned procurement notice was published",
    ),
    ("is_urgent", "s54_urgency_reason", "Say why the procurement is urgent"),
    ("needs_short_period", "s54_short_period_reason", "Say why bidders need fewer than 10 days"),
)


class TenderingPeriodForm(forms.Form):
    s54_contract_kind = forms.ChoiceField(
        label="What kind of contract is it?",
        choices=ContractKind.choices,
        widget=forms.RadioSelect,
        help_text="This chooses the Schedule 1 threshold the estimated value is measured "
        "against. Above it, the Procurement Act 2023 sets a minimum tendering period.",
        error_messages={"required": "Choose the kind of contract"},
    )
    has_planned_notice = forms.ChoiceField(
        label="Did you publish a planned procurement notice (UK3) for this procurement?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Above the threshold, a notice published at least 40 days and at most a "
        "year before the tender notice allows a period of 10 days.",
        error_messages={"required": "Say whether you published a planned procurement notice"},
    )
    s54_planned_notice_published_on = GovukDateField(
        label="Date the planned procurement notice was published", required=False
    )
    is_urgent = forms.ChoiceField(
        label="Is there a state of urgency that makes 25 days impracticable?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Above the threshold, urgency recorded with its reason allows 10 days "
        "(s.54(4)). The reason is kept in the procurement's record.",
        error_messages={"required": "Say whether there is a state of urgency"},
    )
    s54_urgency_reason = forms.CharField(
        label="Why is it urgent?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, when, and why a longer period is impracticable.",
    )
    needs_short_period = forms.ChoiceField(
        label="Below the threshold: do bidders need to be given fewer than 10 days?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Bidders must have a reasonable time to prepare. levelfield asks for a "
        "reason for a period under 10 days.",
        error_messages={"required": "Say whether bidders need fewer than 10 days"},
    )
    s54_short_period_reason = forms.CharField(
        label="Why do bidders need fewer than 10 days?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, tender, **kwargs):
        self.tender = tender
        kwargs.setdefault("initial", self.initial_for(tender))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(tender) -> dict:
        def yes_no(value) -> str:
            return "yes" if value else "no"

        return {
            "s54_contract_kind": tender.s54_contract_kind,
            "has_planned_notice": yes_no(tender.s54_planned_notice_published_on),
            "s54_planned_notice_published_on": tender.s54_planned_notice_published_on,
            "is_urgent": yes_no(tender.s54_urgency_reason),
            "s54_urgency_reason": tender.s54_urgency_reason,
            "needs_short_period": yes_no(tender.s54_short_period_reason),
            "s54_short_period_reason": tender.s54_short_period_reason,
        }

    def clean(self):
        cleaned = super().clean()
        for question, field, missing in REVEALS:
            value = cleaned.get(field)
            if isinstance(value, str):
                value = cleaned[field] = value.strip()
            if cleaned.get(question) == "yes" and not value and field not in self.errors:
                self.add_error(field, missing)
        if not self.errors:
            # The domain's own check of the values, each shown beside its field.
            trial = copy.copy(self.tender)
            for name, value in self.action_fields().items():
                setattr(trial, name, value)
            for name, problem in periods.field_problems(trial, today=clock.today_uk()).items():
                self.add_error(name, problem)
        return cleaned

    def action_fields(self) -> dict:
        """Keyword arguments for update_tender: a "no" clears what it would reveal."""
        data = self.cleaned_data
        return {
            "s54_contract_kind": data["s54_contract_kind"],
            "s54_planned_notice_published_on": data.get("s54_planned_notice_published_on")
            if data.get("has_planned_notice") == "yes"
            else None,
            "s54_urgency_reason": data.get("s54_urgency_reason", "")
            if data.get("is_urgent") == "yes"
            else "",
            "s54_short_period_reason": data.get("s54_short_period_reason", "")
            if data.get("needs_short_period") == "yes"
            else "",
        }

    def reveal(self, question: str):
        """The bound field a yes/no question reveals, for the template."""
        return self[next(field for q, field, _ in REVEALS if q == question)]
