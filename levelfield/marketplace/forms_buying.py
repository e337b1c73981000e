"""Forms for buying from the catalogue: a project's name and need, and its outcome. The search
is a GET form read by search.read_criteria (the one reading of a search); the rules are the
actions' (projects.details_problems, outcomes), shown beside their fields."""

from typing import cast

from django import forms

from levelfield.contracts.actions import records
from levelfield.core.forms import PoundsField

from .actions import outcomes, projects

DATE_HINT = "For example, 27/3/2026"


def _date(label: str, noun: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=DATE_HINT,
        error_messages={"required": f"Enter the {noun}", "invalid": f"Enter a real {noun}"},
        **kwargs,
    )


class ProjectForm(forms.Form):
    # No max_length: the lengths are the domain's (details_problems), in its words, not
    # Django's "Ensure this value has at most 200 characters (it has 300)".
    name = forms.CharField(
        label="Project name",
        help_text="What you are buying, like 'Cloud hosting for the library service'.",
        error_messages={"required": projects.NAME_NEEDED},
    )
    need = forms.CharField(
        label="The need",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the service must do, for whom, and by when.",
    )

    def clean(self):
        data = super().clean()
        for field, message in projects.details_problems(data.get("name", ""), data.get("need", "")):
            if field not in self.errors:
                self.add_error(field, message)
        return data


AWARDED = "yes"
NOT_AWARDED = "no"
# The fields only an award needs
AWARD_FIELDS = ("entry", "value", "start_date", "end_date", "previous_cost", "previous_supplier")


class OutcomeForm(forms.Form):
    """Awarded (which shortlisted service, value, dates, why, and what was paid before) or not
    (why). The fields of an award are checked only for an award; the action checks them all."""

    awarded = forms.ChoiceField(
        label="Did you award a call-off?",
        choices=[(AWARDED, "Yes, to a service on the shortlist"), (NOT_AWARDED, "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you awarded a call-off"},
    )
    entry = forms.TypedChoiceField(
        label="Service awarded", required=False, coerce=int, empty_value=None
    )
    value = PoundsField(
        label="Call-off value (£)", noun="the call-off value", example="12000", required=False
    )
    start_date = _date("Start date", "start date", required=False)
    end_date = _date("End date", "end date", required=False)
    # Not required here: the action checks the reason with the award's other rules and the
    # contract's, so every problem is shown at once (see clean for a form refused before).
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this service (or why no call-off): kept with the outcome for audit.",
        required=False,
    )
    previous_cost = PoundsField(
        label="What you paid before for the same need, over as long a term (£, optional)",
        noun="the previous cost",
        example="15000",
        required=False,
    )
    previous_supplier = forms.CharField(
        label="Who you paid before (optional)", required=False, max_length=200
    )

    def __init__(
        self, *args, entries, award_barrier: str | None = None, conflicted=frozenset(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        # A service of the person's own organisation (outcomes.conflicted_entries) is marked:
        # another buyer admin must award it.
        cast(forms.ChoiceField, self.fields["entry"]).choices = [("", "Choose a service")] + [
            (
                entry.pk,
                f"{entry.snapshot.get('name')}: {entry.snapshot.get('supplier')}"
                + (
                    " (your own organisation: another buyer admin must award it)"
                    if entry.pk in conflicted
                    else ""
                ),
            )
            for entry in entries
        ]
        # Who cannot award at all (outcomes.award_barrier: an officer, a framework no longer
        # live) is offered "No" alone, told why beside it, rather than refused on submitting.
        self.award_barrier = award_barrier
        if award_barrier:
            awarded = cast(forms.ChoiceField, self.fields["awarded"])
            awarded.choices = [(NOT_AWARDED, "No")]
            awarded.error_messages["invalid_choice"] = award_barrier
            awarded.help_text = award_barrier
            for name in AWARD_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("awarded") == AWARDED:
            for name, message in (
                ("entry", "Choose the service awarded"),
                ("value", "Enter the call-off value"),
                ("start_date", "Enter the start date"),
                ("end_date", "Enter the end date"),
            ):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, message)
        # A form refused here never reaches the action: say a missing reason now too, in the
        # action's words, rather than on the next submit, and the contract's problems with the
        # value and dates read (an end before the start, a value of £0), in the contracts
        # domain's words and beside their fields (records.term_problems_by_field, which the
        # action checks again); a field already refused keeps its own problem.
        if self.errors and data.get("awarded") == AWARDED:
            for field, problem in records.term_problems_by_field(
                data.get("value"), data.get("start_date"), data.get("end_date")
            ):
                if field not in self.errors:
                    self.add_error(field, problem)
        if self.errors and "reason" not in self.errors and not (data.get("reason") or "").strip():
            self.add_error("reason", outcomes.REASON_NEEDED)
        return data
