"""The dashboards' filters: authority, CPV division, region and a range of quarters, offered
from what the snapshot holds and checked by the one rule (figures.Filters.problems)."""

from django import forms

from levelfield.core.forms import choice_field

from .figures import Choices, Filters

FIELDS = ("authority", "cpv_division", "region", "quarter_from", "quarter_to")


class FiltersForm(forms.Form):
    authority = forms.ChoiceField(label="Authority", required=False)
    cpv_division = forms.ChoiceField(label="CPV division", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    quarter_from = forms.ChoiceField(label="From quarter", required=False)
    quarter_to = forms.ChoiceField(label="To quarter", required=False)

    def __init__(self, data=None, *, choices: Choices, with_authority: bool = True):
        super().__init__(data)
        if with_authority:
            choice_field(self, "authority").choices = [
                ("", "All authorities"),
                *choices.authorities,
            ]
        else:
            del self.fields["authority"]
        choice_field(self, "cpv_division").choices = [
            ("", "All CPV divisions"),
            *((d, d) for d in choices.cpv_divisions),
        ]
        choice_field(self, "region").choices = [
            ("", "All regions"),
            *((r, r) for r in choices.regions),
        ]
        quarters = [(q, q) for q in choices.quarters]
        choice_field(self, "quarter_from").choices = [("", "The first"), *quarters]
        choice_field(self, "quarter_to").choices = [("", "The last"), *quarters]
        for name in self.fields:
            self.fields[name].error_messages["invalid_choice"] = (
                f"Choose one of the {str(self.fields[name].label).lower()} options listed"
            )

    def clean(self):
        data = super().clean()
        filters = Filters(**{name: data.get(name) or None for name in FIELDS if name in data})
        for name, problem in filters.problems().items():
            if name in self.fields:
                self.add_error(name, problem)
        return data

    def filters(self) -> Filters:
        """The filters asked for: none of them while the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        return Filters(
            **{name: self.cleaned_data.get(name) or None for name in FIELDS if name in self.fields}
        )
