"""The form that names a search before it is saved."""

from django import forms
from django.http import QueryDict


class SaveSearchForm(forms.Form):
    name = forms.CharField(
        label="Name this search",
        max_length=100,
        help_text="For example, Cleaning in the South West. The daily email uses this name.",
        error_messages={
            "required": "Enter a name for the search",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    # The search's query string, carried from the search page through this form unchanged.
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def params(self) -> QueryDict:
        return QueryDict(self.cleaned_data.get("query") or "")
