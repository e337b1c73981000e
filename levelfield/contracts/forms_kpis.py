"""Forms for KPIs, reports, assessments, failures, outcomes and claims. They parse what was
typed; the actions in `actions/kpis.py`, `actions/performance.py` and `actions/outcomes.py`
decide (numbers, periods, budgets), and their refusals are shown on the form."""

from django import forms

from .models.performance import Direction, FailureKind, Frequency, Rating

DATE_HINT = "For example, 27/3/2027"


def _date(label: str, noun: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=DATE_HINT,
        error_messages={"required": f"Enter the {noun}", "invalid": f"Enter a real {noun}"},
    )


def _number(label: str, noun: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        help_text=hint,
        error_messages={"required": f"Enter the {noun}"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )


def _text(label: str, *, required: bool = False, noun: str = "", hint: str = "", rows=4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        help_text=hint,
        error_messages={"required": f"Enter {noun}"} if noun else {},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class KpiForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the KPI's name"}
    )
    description = _text("How it is measured (optional)")
    target = _number("Target", "target", "A number, like 95")
    unit = forms.CharField(
        label="Unit",
        max_length=50,
        help_text="Like %, days or calls",
        error_messages={"required": "Enter the unit the KPI is measured in"},
    )
    direction = forms.ChoiceField(
        label="Which is better",
        choices=Direction.choices,
        initial=Direction.HIGHER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether higher or lower is better"},
    )
    frequency = forms.ChoiceField(
        label="How often the supplier reports",
        choices=Frequency.choices,
        initial=Frequency.QUARTERLY,
        widget=forms.RadioSelect,
        help_text="Periods are counted from the contract's start date",
        error_messages={"required": "Choose how often the supplier reports"},
    )
    material = forms.BooleanField(
        label="One of the three most material KPIs (published, s.52(4))", required=False
    )


class ExemptionForm(forms.Form):
    reason = _text(
        "Why performance cannot appropriately be assessed by KPIs (s.52(3))",
        hint="Published in place of the KPIs. Leave empty to clear it.",
        rows=5,
    )


class ReportForm(forms.Form):
    value = _number("Value for the period", "value")
    narrative = _text("What happened in the period (optional)")


class AssessmentForm(forms.Form):
    period_start = _date("Start of the period assessed", "start of the period")
    period_end = _date("End of the period assessed", "end of the period")
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    narrative = _text(
        "How the supplier performed",
        required=True,
        noun="how the supplier performed",
        hint="Published with the rating in the contract performance notice (UK9)",
        rows=6,
    )


class FailureForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the breach led to",
        choices=FailureKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the breach led to"},
    )
    description = _text("What happened", required=True, noun="what happened")
    occurred_on = _date("When it happened", "date it happened")
    penalty = forms.CharField(label="Penalty imposed (optional)", max_length=300, required=False)
    amount = _number("Amount of damages or settlement in pounds (optional)", "amount")
    amount.required = False


class MeasureForm(forms.Form):
    measure = forms.CharField(
        label="Outcome measure",
        max_length=100,
        required=False,
        help_text="What the contract delivers, counted, like listeners, people housed or "
        "repairs done. Cost per outcome is what was paid divided by these.",
    )


class OutcomeRecordForm(forms.Form):
    period_start = _date("Start of the period", "start of the period")
    period_end = _date("End of the period", "end of the period")
    quantity = _number("Number delivered", "number delivered")
    note = _text("Note (optional)", rows=3)


class PricedOutcomeForm(forms.Form):
    name = forms.CharField(
        label="Outcome paid for",
        max_length=200,
        error_messages={"required": "Enter the outcome's name"},
    )
    unit_price = _number("Price of one outcome in pounds", "price of one outcome")
    budget = _number("Budget in pounds", "budget")
    evidence_required = _text(
        "Evidence the supplier must give (optional)",
        hint="If you ask for evidence, each claim must upload it",
        rows=3,
    )


class ClaimForm(forms.Form):
    period_start = _date("Start of the period", "start of the period")
    period_end = _date("End of the period", "end of the period")
    quantity = _number("Number achieved", "number achieved")
    narrative = _text(
        "What was achieved and how the evidence shows it",
        required=True,
        noun="what was achieved",
    )
    evidence = forms.FileField(label="Evidence", required=False)


class RejectForm(forms.Form):
    reason = _text(
        "Reason for rejecting the claim",
        required=True,
        noun="the reason for rejecting the claim",
        hint="The supplier is emailed it",
    )
