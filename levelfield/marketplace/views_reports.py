"""The marketplace's reports: the public figures (call-off spend by framework and lot, the SME
and VCSE share against the target, suppliers listed by size) with their CSV, and a buyer's
own savings (each call-off's saving in pounds and in its units)."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from levelfield.core import spreadsheets

from . import reports, rules, savings
from .models import Framework


class ReportFilterForm(forms.Form):
    framework = forms.ChoiceField(label="Framework", required=False)

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        choice = self.fields["framework"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", "All frameworks"), *((f.reference, f.name) for f in frameworks)]


def _chosen(request) -> tuple[ReportFilterForm, Framework | None]:
    frameworks = list(reports.reported_frameworks())
    form = ReportFilterForm(request.GET, frameworks=frameworks)
    reference = form.cleaned_data.get("framework") if form.is_valid() else ""
    return form, next((f for f in frameworks if f.reference == reference), None)


def report(request):
    form, framework = _chosen(request)
    return render(
        request,
        "marketplace/reports/report.html",
        {
            "form": form,
            "report": reports.report(framework),
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def report_csv(request):
    """The report (for the framework chosen) as CSV: numbers as numbers, text made safe."""
    _form, framework = _chosen(request)
    out = io.StringIO()
    spreadsheets.csv_writer(out, lineterminator="\r\n").writerows(
        reports.csv_rows(reports.report(framework))
    )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = (
        f"marketplace-report-{framework.reference}.csv" if framework else "marketplace-report.csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def buyer_of(request):
    """The signed-in person's buyer organisation, if they are on its staff (evaluators read);
    404 for anyone else."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not rules.is_buyer_reader(request.user, organisation):
        raise Http404("Savings are for the buyer's own staff")
    return organisation


@login_required
def buyer_savings(request):
    buyer = buyer_of(request)
    found = savings.buyer_savings(buyer)
    return render(
        request,
        "marketplace/reports/savings.html",
        {"organisation": buyer, "savings": found, "total": savings.total(found)},
    )
