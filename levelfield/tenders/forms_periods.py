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
    ("needs_short_period", "s54_short_period_reason", "Say why bidders need a short period"),
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
        # The periods in these words are set from the rules in force (_word_the_periods).
        error_messages={"required": "Say whether you published a planned procurement notice"},
    )
    s54_planned_notice_published_on = GovukDateField(
        label="Date the planned procurement notice was published", required=False
    )
    is_urgent = forms.ChoiceField(
        label="Is there a state of urgency that makes the full period impracticable?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether there is a state of urgency"},
    )
    s54_urgency_reason = forms.CharField(
        label="Why is it urgent?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, when, and why a longer period is impracticable.",
    )
    needs_short_period = forms.ChoiceField(
        label="Below the threshold: do bidders need to be given a short period?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether bidders need a short period"},
    )
    s54_short_period_reason = forms.CharField(
        label="Why do bidders need a short period?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, tender, **kwargs):
        self.tender = tender
        kwargs.setdefault("initial", self.initial_for(tender))
        super().__init__(*args, **kwargs)
        self._word_the_periods(periods.rules_for(clock.today_uk()))

    def _word_the_periods(self, rules: periods.PeriodRules) -> None:
        """The periods named in the questions are the versioned rules' (periods.PERIOD_RULES)
        in force today, a draft's commencement if it were published now."""
        year = rules.planned_notice_max_days == 365
        latest = "a year" if year else f"{rules.planned_notice_max_days} days"
        fields = self.fields
        fields["has_planned_notice"].help_text = (
            f"Above the threshold, a notice published at least {rules.planned_notice_min_days} "
            f"days and at most {latest} before the tender notice allows a period of "
            f"{rules.reduced_days} days."
        )
        fields["is_urgent"].label = (
            f"Is there a state of urgency that makes {rules.open_procedure_days} days "
            "impracticable?"
        )
        fields["is_urgent"].help_text = (
            f"Above the threshold, urgency recorded with its reason allows {rules.reduced_days} "
            "days (s.54(4)). The reason is kept in the procurement's record."
        )
        fewer = f"fewer than {rules.below_threshold_days} days"
        fields[
            "needs_short_period"
        ].label = f"Below the threshold: do bidders need to be given {fewer}?"
        fields["needs_short_period"].error_messages["required"] = (
            f"Say whether bidders need {fewer}"
        )
        fields["needs_short_period"].help_text = (
            "Bidders must have a reasonable time to prepare. levelfield asks for a reason for "
            f"a period under {rules.below_threshold_days} days."
        )
        fields["s54_short_period_reason"].label = f"Why do bidders need {fewer}?"
        self.missing = {
            **{field: missing for _, field, missing in REVEALS},
            "s54_short_period_reason": f"Say why bidders need {fewer}",
        }

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
        for question, field, _ in REVEALS:
            value = cleaned.get(field)
            if isinstance(value, str):
                value = cleaned[field] = value.strip()
            if cleaned.get(question) == "yes" and not value and field not in self.errors:
                self.add_error(field, self.missing[field])
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
