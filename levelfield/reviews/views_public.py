"""The public's pages: published outcomes (each naming the authority and the procurement, never
who raised the case), filtered by authority, kind, outcome and year; one outcome; and the
yearly summary (cases, accepted, resolved within target, late payments unblocked in pounds)."""

from django import forms
from django.http import Http404
from django.shortcuts import render

from levelfield.core.pagination import paginate

from . import selectors_public
from .models import CaseKind, Outcome


class OutcomeFilterForm(forms.Form):
    authority = forms.ChoiceField(label="Authority", required=False)
    kind = forms.ChoiceField(
        label="Kind of case", required=False, choices=[("", "Any kind"), *CaseKind.choices]
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *Outcome.choices]
    )
    year = forms.TypedChoiceField(label="Year closed", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, authorities: list[str], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        authority, year = self.fields["authority"], self.fields["year"]
        assert isinstance(authority, forms.ChoiceField) and isinstance(year, forms.ChoiceField)
        authority.choices = [("", "Any authority"), *((a, a) for a in authorities)]
        year.choices = [("", "Any year"), *((str(y), str(y)) for y in years)]


def outcomes(request):
    summary = selectors_public.yearly_summary()
    filters = OutcomeFilterForm(
        request.GET,
        authorities=selectors_public.published_authorities(),
        years=[row.year for row in summary],
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = selectors_public.published_outcomes(
        authority=chosen.get("authority") or "",
        kind=chosen.get("kind") or "",
        outcome=chosen.get("outcome") or "",
        year=chosen.get("year"),
    )
    return render(
        request,
        "reviews/public/outcomes.html",
        {"page": paginate(request, found), "filters": filters, "filtered": any(chosen.values())},
        status=400 if filters.errors else 200,
    )


def outcome(request, pk: int):
    found = selectors_public.published_outcome(pk)
    if found is None:
        raise Http404("No published outcome has that number")
    return render(request, "reviews/public/outcome.html", {"outcome": found})


def summary(request):
    return render(
        request, "reviews/public/summary.html", {"years": selectors_public.yearly_summary()}
    )
