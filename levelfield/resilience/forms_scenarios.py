"""The form that saves a failure scenario: a name, suppliers found by a search and ticked (no
JavaScript needed), and the date they fail. What a scenario may name is the domain's one rule
(`selectors_scenarios.scenario_problems`); the form puts each of its problems by the field it
is about."""

from django import forms

from . import selectors_scenarios
from .forms_concentration import OneBoxDateField
from .selectors_supplier_search import MAX_QUERY


def supplier_label(organisation) -> str:
    count = getattr(organisation, "contracts_in_force", None)
    label = f"{organisation.name} (GB-LEVELFIELD-{organisation.pk})"
    if count is not None:
        label += f", {count} contract{'s' if count != 1 else ''} in force today"
    return label


class ScenarioForm(forms.Form):
    name = forms.CharField(
        label="Name of the scenario",
        required=False,
        max_length=selectors_scenarios.MAX_NAME,
        help_text="For example, Big Group fails at the end of the financial year",
        error_messages={
            "max_length": f"The name must be {selectors_scenarios.MAX_NAME} characters or fewer"
        },
    )
    q = forms.CharField(
        label="Find a supplier",
        required=False,
        max_length=MAX_QUERY,
        help_text="Part of its name, or its levelfield identifier like GB-LEVELFIELD-12",
    )
    suppliers = forms.TypedMultipleChoiceField(
        label="Suppliers that fail",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each one. The entities their living wills list as their group fail "
        "with them.",
        error_messages={"invalid_choice": "Search for the supplier again and tick it"},
    )
    as_of = OneBoxDateField(
        label="Date they fail",
        noun="the date they fail",
        required=False,
        help_text="For example, 27/3/2026. Contracts in force on this day are affected",
    )

    def __init__(self, *args, offered=(), **kwargs):
        """`offered`: the suppliers to tick from (those ticked before and those found)."""
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].choices = [(org.pk, supplier_label(org)) for org in offered]

    def clean(self):
        data = super().clean()
        ids = data.get("suppliers") or []
        as_of = data.get("as_of")
        name = data.get("name") or ""
        _, every = selectors_scenarios.scenario_problems(supplier_ids=ids, as_of=as_of, name=name)
        _, unnamed = selectors_scenarios.scenario_problems(supplier_ids=ids, as_of=as_of)
        _, about_suppliers = selectors_scenarios.chosen_suppliers(ids)
        for problem in every:
            if problem not in unnamed:
                field = "name"
            elif problem in about_suppliers:
                field = "suppliers"
            else:
                field = "as_of"
            if field not in self.errors:
                self.add_error(field, problem)
        return data
