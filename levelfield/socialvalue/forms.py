"""Forms for the social value pages. They parse what people type; the actions decide."""

from decimal import Decimal

from django import forms
from django.conf import settings

from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError
from levelfield.core.forms import choice_field
from levelfield.core.templatetags.govuk import gbp

from .models import ReportingFrequency, ReportStatus
from .quantities import clean_quantity
from .selectors import PER_OUTCOME, PER_SUB_CRITERION

NO_FRAMEWORK = ""


def _upload_hint() -> str:
    types = ", ".join(ext.upper() for ext in settings.LEVELFIELD_UPLOAD_EXTENSIONS)
    return f"{types}; up to {settings.LEVELFIELD_UPLOAD_MAX_BYTES // (1024 * 1024)}MB"


class FrameworkImportForm(forms.Form):
    name = forms.CharField(
        label="Name of the framework",
        max_length=200,
        help_text="For example 'Wessex social value measures 2026'. Importing again under the "
        "same name makes a new version; tenders keep the version they use.",
        error_messages={"required": "Enter a name for the framework"},
    )
    file = forms.FileField(
        label="Upload the measures (CSV or XLSX)",
        help_text="One measure a row, with the columns code, description, unit and, if you "
        "value measures in pounds, proxy value. The first row names the columns.",
        error_messages={"required": "Choose a CSV or XLSX file"},
    )


class OutcomesForm(forms.Form):
    outcomes = forms.TypedMultipleChoiceField(
        label="Which policy outcomes should this lot's social value questions pursue?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Most buyers pick one or two outcomes that relate to what they are buying.",
        error_messages={"required": "Choose at least one policy outcome"},
    )
    framework = forms.ChoiceField(
        label="Value commitments in pounds with",
        required=False,
        help_text="Your own measures and proxy values. Bidders see the value of their "
        "commitments as they type them.",
    )
    reporting_months = forms.TypedChoiceField(
        label="How often the winning supplier reports what it delivered",
        coerce=int,
        choices=ReportingFrequency.choices,
        initial=ReportingFrequency.QUARTERLY,
    )

    def __init__(self, *args, outcomes, frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome_by_pk = {o.pk: o for o in outcomes}
        self.fields["outcomes"].choices = [(o.pk, f"{o.theme.text}: {o.text}") for o in outcomes]
        self.frameworks = {f.pk: f for f in frameworks}
        self.fields["framework"].choices = [(NO_FRAMEWORK, "No proxy values")] + [
            (str(f.pk), str(f)) for f in frameworks
        ]

    def chosen_outcomes(self) -> list:
        return [self.outcome_by_pk[pk] for pk in self.cleaned_data["outcomes"]]

    def chosen_framework(self):
        value = self.cleaned_data.get("framework") or NO_FRAMEWORK
        return self.frameworks.get(int(value)) if value != NO_FRAMEWORK else None


class ChoosePerForm(forms.Form):
    per = forms.ChoiceField(
        label="Propose",
        choices=[
            (PER_OUTCOME, "One question for each outcome"),
            (PER_SUB_CRITERION, "One question for each sub-criterion"),
        ],
        widget=forms.RadioSelect,
        initial=PER_OUTCOME,
        required=False,
    )


class ProposalsForm(forms.Form):
    """The proposed questions, each with a tick to include it and its text, guidance and weight
    to edit. Where each came from in the model travels in hidden fields; the action checks it."""

    def __init__(self, *args, proposals=None, count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if proposals is not None:
            count = len(proposals)
        self.count = count
        for i in range(count):
            initial = proposals[i] if proposals is not None else None
            self.fields[f"include_{i}"] = forms.BooleanField(
                label=f"Add proposed question {i + 1}", required=False, initial=True
            )
            self.fields[f"text_{i}"] = forms.CharField(
                label=f"Question {i + 1}",
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial=initial.text if initial else None,
                required=False,
            )
            self.fields[f"guidance_{i}"] = forms.CharField(
                label=f"Guidance for bidders on question {i + 1}",
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 8}),
                initial=initial.guidance if initial else None,
                required=False,
            )
            self.fields[f"weight_{i}"] = forms.DecimalField(
                label=f"Weight of question {i + 1} (%)",
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                initial=initial.weight if initial else None,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                error_messages={
                    "invalid": f"Enter the weight of question {i + 1} as a number, like 5",
                    "min_value": f"The weight of question {i + 1} must be more than 0",
                    "max_value": f"The weight of question {i + 1} must be at most 100",
                },
            )
            for name in ("outcome", "criterion", "sub"):
                value = None
                if initial is not None:
                    source = {
                        "outcome": initial.outcome,
                        "criterion": initial.criterion,
                        "sub": initial.sub_criterion,
                    }[name]
                    value = source.pk if source is not None else ""
                self.fields[f"{name}_{i}"] = forms.IntegerField(
                    widget=forms.HiddenInput,
                    required=name == "outcome" or name == "criterion",
                    initial=value,
                )

    def clean(self):
        data = super().clean()
        for i in range(self.count):
            if not data.get(f"include_{i}"):
                continue
            if not (data.get(f"text_{i}") or "").strip():
                self.add_error(f"text_{i}", f"Enter the text of question {i + 1}")
            if data.get(f"weight_{i}") is None and f"weight_{i}" not in self.errors:
                self.add_error(f"weight_{i}", f"Enter the weight of question {i + 1}")
        return data

    def rows(self) -> list:
        """(number, include, text, guidance, weight, hidden fields) for the template."""
        return [
            (
                i + 1,
                self[f"include_{i}"],
                self[f"text_{i}"],
                self[f"guidance_{i}"],
                self[f"weight_{i}"],
                [self[f"outcome_{i}"], self[f"criterion_{i}"], self[f"sub_{i}"]],
            )
            for i in range(self.count)
        ]

    def chosen(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "outcome_id": data[f"outcome_{i}"],
                "criterion_id": data[f"criterion_{i}"],
                "sub_criterion_id": data.get(f"sub_{i}") or None,
                "text": data[f"text_{i}"].strip(),
                "guidance": (data.get(f"guidance_{i}") or "").strip(),
                "weight": data[f"weight_{i}"],
            }
            for i in range(self.count)
            if data.get(f"include_{i}")
        ]

    def weights(self) -> list[Decimal]:
        """The weights of the ticked proposals that parse, for the weight rule's preview."""
        weights = []
        for i in range(self.count):
            if not self.data.get(self.add_prefix(f"include_{i}")):
                continue
            raw = str(self.data.get(self.add_prefix(f"weight_{i}"), "")).strip()
            try:
                weight = Decimal(raw)
            except ArithmeticError:
                continue
            if weight.is_finite() and 0 < weight <= 100:
                weights.append(weight)
        return weights


class QuantityField(forms.CharField):
    """How many, as typed (commas allowed), checked by the one rule for quantities
    (quantities.clean_quantity) and given to the action as a Decimal."""

    def __init__(self, *, noun: str = "how many", zero_allowed: bool = False, **kwargs):
        self.noun, self.zero_allowed = noun, zero_allowed
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return clean_quantity(text, label=self.noun, zero_allowed=self.zero_allowed)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None


def measure_choice_value(commitment) -> str:
    if commitment.measure_id:
        return f"measure:{commitment.measure_id}"
    if commitment.metric_id:
        return f"metric:{commitment.metric_id}"
    return ""


class CommitmentForm(forms.Form):
    question = forms.TypedChoiceField(label="Which question does it answer?", coerce=int)
    measure = forms.ChoiceField(
        label="Measure",
        required=False,
        help_text="Choose the buyer's measure or the model's reporting metric this commitment "
        "counts towards, or describe your own.",
    )
    description = forms.CharField(
        label="What you will deliver",
        max_length=300,
        help_text="For example 'apprenticeships for local care leavers'",
        error_messages={"required": "Say what you will deliver"},
    )
    quantity = QuantityField(label="How many", error_messages={"required": "Enter how many"})
    unit = forms.CharField(
        label="Unit",
        max_length=60,
        required=False,
        help_text="Like 'apprenticeships' or 'hours'. Leave empty to use the measure's unit.",
    )
    contract_year = forms.TypedChoiceField(label="By the end of contract year", coerce=int)
    location = forms.CharField(
        label="Where",
        max_length=200,
        help_text="The places that will benefit, like 'Shaston and Melchester'",
        error_messages={"required": "Say where the benefit will happen"},
    )
    beneficiaries = forms.CharField(
        label="Who benefits",
        max_length=300,
        help_text="For example 'care leavers aged 16 to 25 living in the county'",
        error_messages={"required": "Say who will benefit"},
    )

    def __init__(self, *args, questions, measures, metrics, years: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.pk: q for q in questions}
        self.measures = {m.pk: m for m in measures}
        self.metrics = {m.pk: m for m in metrics}
        choice_field(self, "question").choices = [
            (q.pk, f"Question {q.number}: {q.text[:90]}") for q in questions
        ]
        if len(questions) == 1:
            self.fields["question"].initial = questions[0].pk
        choices = [("", "Something else (describe it and give the unit)")]
        for m in measures:
            value = f", {gbp(m.proxy_value)} each" if m.proxy_value is not None else ""
            choices.append((f"measure:{m.pk}", f"{m.code}: {m.description} ({m.unit}{value})"))
        for m in metrics:
            choices.append((f"metric:{m.pk}", f"{m.code}: {m.text} ({m.unit})"))
        choice_field(self, "measure").choices = choices
        choice_field(self, "contract_year").choices = [
            (year, f"Year {year}") for year in range(1, years + 1)
        ]

    def clean_measure(self):
        value = self.cleaned_data.get("measure") or ""
        return value

    def action_fields(self) -> dict:
        data = self.cleaned_data
        chosen = data.get("measure") or ""
        kind, _, pk = chosen.partition(":")
        return {
            "question": self.questions.get(data["question"]),
            "measure": self.measures.get(int(pk)) if kind == "measure" else None,
            "metric": self.metrics.get(int(pk)) if kind == "metric" else None,
            "description": data["description"],
            "quantity": data["quantity"],
            "unit": data.get("unit") or "",
            "contract_year": data["contract_year"],
            "location": data["location"],
            "beneficiaries": data["beneficiaries"],
        }

    @classmethod
    def initial_for(cls, commitment) -> dict:
        return {
            "question": commitment.question_id,
            "measure": measure_choice_value(commitment),
            "description": commitment.description,
            "quantity": commitment.quantity.normalize(),
            "unit": commitment.unit,
            "contract_year": commitment.contract_year,
            "location": commitment.location,
            "beneficiaries": commitment.beneficiaries,
        }


class ReportForm(forms.Form):
    period = forms.TypedChoiceField(label="Which period are you reporting on?", coerce=int)
    quantity = QuantityField(
        label="How many were delivered in the period",
        noun="the number delivered",
        zero_allowed=True,
        error_messages={"required": "Enter how many were delivered, 0 if none"},
    )
    narrative = forms.CharField(
        label="What was delivered",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Who benefited, where and how you know: the evidence the numbers come from.",
        error_messages={"required": "Describe what was delivered"},
    )
    evidence = forms.FileField(label="Evidence (optional)", required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.pk: p for p in periods}
        self.fields["period"].choices = [
            (p.pk, f"Period {p.number}: {uk_date(p.starts_on)} to {uk_date(p.ends_on)}")
            for p in periods
        ]
        self.fields["evidence"].help_text = _upload_hint()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (ReportStatus.ACCEPTED, "Accept: it counts as delivered"),
            (ReportStatus.QUERIED, "Query: ask the supplier for more information"),
            (ReportStatus.REJECTED, "Reject: it does not count"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept, query or reject"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The supplier sees this.",
        error_messages={"required": "Give the reason for your decision"},
    )
