"""The forms of frameworks and applications. Each field is the action's argument of the same
name; what a framework must be is checked once, in the domain (`actions.frameworks.problems`),
and the form only places its words beside the fields."""

from typing import Any

from django import forms

from levelfield.core.forms import TypedDateField

from .actions.frameworks import MAX_STATEMENTS, FrameworkDetails, LotDetails, problems
from .models import Framework

DATES = ("applications_open_on", "applications_close_on", "live_from", "expires_on")
LOTS_HINT = (
    "One lot a line, in order: its title, then after a | its categories separated by commas, "
    "then after another | its CPV code. For example: Cloud hosting | Compute, Storage | 72400000"
)


def parse_lots(text: str) -> list[LotDetails]:
    lots = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        title = parts[0]
        categories = [c.strip() for c in parts[1].split(",")] if len(parts) > 1 else []
        cpv = parts[2] if len(parts) > 2 else ""
        lots.append(LotDetails(title=title, categories=categories, cpv_code=cpv))
    return lots


def lots_text(framework: Framework) -> str:
    return "\n".join(
        " | ".join([lot.title, ", ".join(lot.categories), lot.cpv_code]).rstrip(" |")
        for lot in framework.lots.all()
    )


class FrameworkForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        help_text="Capital letters, digits and hyphens, like LF-CLOUD-2",
        required=False,
    )
    # No max_length on the reference and name: the domain's `problems` says what they must be.
    name = forms.CharField(label="Name", required=False)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    applications_open_on = TypedDateField(
        label="Applications open on", noun="the day applications open"
    )
    applications_close_on = TypedDateField(
        label="Applications close on", noun="the day applications close"
    )
    live_from = TypedDateField(label="Live from", noun="the day the framework goes live")
    expires_on = TypedDateField(label="Expires on", noun="the day the framework expires")
    lots = forms.CharField(
        label="Lots",
        help_text=LOTS_HINT,
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    statements = forms.CharField(
        label="Statements suppliers agree to",
        help_text=f"One a line, at most {MAX_STATEMENTS}. Each supplier agrees to each.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requires_exclusion_declaration = forms.BooleanField(
        label="Suppliers need a current exclusion declaration (from their supplier profile)",
        required=False,
        initial=True,
    )

    def __init__(self, *args, framework: Framework | None = None, **kwargs):
        self.framework = framework
        if framework is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "reference": framework.reference,
                "name": framework.name,
                "description": framework.description,
                "applications_open_on": framework.applications_open_on,
                "applications_close_on": framework.applications_close_on,
                "live_from": framework.live_from,
                "expires_on": framework.expires_on,
                "lots": lots_text(framework),
                "statements": "\n".join(framework.statements),
                "requires_exclusion_declaration": framework.requires_exclusion_declaration,
            }
        super().__init__(*args, **kwargs)

    def details(self) -> FrameworkDetails:
        """The details typed; a date missing or not a date is None, which the domain's
        `problems` reads as such ("Enter every date of the framework")."""
        data = self.cleaned_data
        dates: dict[str, Any] = {name: data.get(name) for name in DATES}
        return FrameworkDetails(
            reference=data.get("reference", ""),
            name=data.get("name", ""),
            description=data.get("description", ""),
            **dates,
            statements=[s for s in data.get("statements", "").splitlines() if s.strip()],
            lots=parse_lots(data.get("lots", "")),
            requires_exclusion_declaration=bool(data.get("requires_exclusion_declaration")),
        )

    def clean(self):
        """Every problem at once: the domain's too while a date is missing or not a date (each
        date's own error stands; the domain's word on the dates waits until they are dates)."""
        cleaned = super().clean()
        dates_read = not any(name in self.errors for name in DATES)
        for field, message in problems(self.details(), framework=self.framework):
            if field not in self.errors and (dates_read or field not in DATES):
                self.add_error(field, message)
        return cleaned


class LotsForm(forms.Form):
    lots = forms.MultipleChoiceField(
        label="Which lots do you apply for?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lots"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(lot.pk), str(lot)) for lot in framework.lots.all()]


class DeclareForm(forms.Form):
    statements = forms.MultipleChoiceField(
        label="Do you agree to each of the framework's statements?",
        help_text="Tick each statement to agree to it.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["statements"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(number), text) for number, text in enumerate(framework.statements, start=1)
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("admit", "Admit to the framework"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to admit or refuse the application"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Needed to refuse: the supplier is sent it at the standstill.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
