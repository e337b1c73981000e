"""The resilience team's pages: its home (what needs attention, with links) and concentration
risk. The team is a platform role, not an organisation: anyone else gets 404, as if the pages
did not exist."""

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from levelfield.core import clock, spreadsheets

from . import concentration, selectors, selectors_financial, selectors_scenarios
from .forms_concentration import ConcentrationForm
from .models import LivingWill, StrategicMark
from .views_access import team_only

CONCENTRATION_COLUMNS = [
    "Authority",
    "CPV division",
    "Supplier",
    "Contracts",
    "Supplier's annual value (GBP)",
    "Market annual value (GBP)",
    "Share (%)",
]


def _url(name: str) -> str | None:
    """The address of a page another part of the app provides (living wills, financial
    standing), or None while it has none, so this page never breaks for want of it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
@require_http_methods(["GET"])
def home(request):
    team_only(request)
    held = concentration.concentrated(as_of=clock.today_uk())
    return render(
        request,
        "resilience/team/home.html",
        {
            "wills": LivingWill.objects.visible_to(request.user).count(),
            "wills_url": _url("resilience:wills"),
            "strategic": StrategicMark.objects.active().values("organisation").distinct().count(),
            "without_will": selectors.critical_contracts_without_current_will()[:5],
            "without_will_count": selectors.critical_contracts_without_current_will().count(),
            "overdue": selectors_financial.breaches_overdue().count(),
            "financial_url": _url("resilience:financial"),
            "scenarios": selectors_scenarios.scenarios().count(),
            "concentrated": len(held),
            "threshold": concentration.DEFAULT_THRESHOLD,
        },
    )


def _concentration(request):
    """The form read from the query string and, when valid, the suppliers above the share."""
    data = request.GET
    if not data:  # the defaults, shown in the form
        today = clock.today_uk()
        data = {
            "threshold": str(concentration.DEFAULT_THRESHOLD),
            "as_of": f"{today.day}/{today.month}/{today.year}",
        }
    form = ConcentrationForm(data)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, concentration.concentrated(as_of=data["as_of"], threshold=data["threshold"])


@login_required
@require_http_methods(["GET"])
def concentration_page(request):
    team_only(request)
    form, held = _concentration(request)
    return render(
        request,
        "resilience/team/concentration.html",
        {
            "form": form,
            "held": held,
            "threshold": form.cleaned_data.get("threshold") if held is not None else None,
            "as_of": form.cleaned_data.get("as_of") if held is not None else None,
            "query": request.GET.urlencode(),
        },
    )


def concentration_rows(held):
    yield CONCENTRATION_COLUMNS
    for h in held:
        yield [
            h.authority,
            h.division_label,
            h.supplier,
            h.contracts,
            h.value,
            h.market_value,
            h.share,
        ]


@login_required
@require_http_methods(["GET"])
def concentration_download(request):
    """The same list as CSV (through core.spreadsheets, so no name opens as a formula)."""
    team_only(request)
    form, held = _concentration(request)
    if held is None:  # the page again, saying what to correct
        context = {"form": form, "held": None, "query": request.GET.urlencode()}
        return render(request, "resilience/team/concentration.html", context, status=400)
    out = io.StringIO()
    spreadsheets.csv_writer(out, lineterminator="\r\n").writerows(concentration_rows(held))
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    as_of = form.cleaned_data["as_of"]
    response["Content-Disposition"] = (
        f'attachment; filename="concentration-risk-{as_of.isoformat()}.csv"'
    )
    return response
