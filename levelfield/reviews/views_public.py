"""The public's pages: published outcomes (each naming the authority and the procurement, never
who raised the case), filtered by authority, kind, outcome and year; one outcome; and the
yearly summary (cases, accepted, resolved within target, late payments unblocked in pounds)."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render

from levelfield.core.pagination import paginate

from . import exports, selectors_public
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


def _filters(request) -> tuple[OutcomeFilterForm, dict]:
    filters = OutcomeFilterForm(
        request.GET,
        authorities=selectors_public.published_authorities(),
        years=[row.year for row in selectors_public.yearly_summary()],
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    return filters, {
        "authority": chosen.get("authority") or "",
        "kind": chosen.get("kind") or "",
        "outcome": chosen.get("outcome") or "",
        "year": chosen.get("year"),
    }


def csv_download(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def outcomes(request):
    filters, chosen = _filters(request)
    found = selectors_public.published_outcomes(**chosen)
    return render(
        request,
        "reviews/public/outcomes.html",
        {
            "page": paginate(request, found),
            "filters": filters,
            "filtered": any(chosen.values()),
            "query": request.GET.urlencode(),
        },
        status=400 if filters.errors else 200,
    )


def outcomes_csv(request):
    """The published outcomes the filters choose, as CSV (exports.published_csv)."""
    _filters_form, chosen = _filters(request)
    return csv_download(exports.published_csv(**chosen), "review-outcomes.csv")


def outcome(request, pk: int):
    found = selectors_public.published_outcome(pk)
    if found is None:
        raise Http404("No published outcome has that number")
    return render(request, "reviews/public/outcome.html", {"outcome": found})


def summary(request):
    return render(
        request, "reviews/public/summary.html", {"years": selectors_public.yearly_summary()}
    )
