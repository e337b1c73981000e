"""The resilience team's financial standing pages: suppliers' readings against their
indicators' thresholds, the breaches they raised and whether each was notified within 2 working
days; recording a reading, adding an indicator, importing readings from CSV.

For the resilience team only (the platform role): anyone else, a platform admin not on the team
included, gets 404. The permission is checked with `rules` itself, not `user.has_perm`, which
grants a superuser every permission asked without an object."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError
from levelfield.core.pagination import paginate

from . import (
    actions_financial,
    financial_import,
    rules_financial,  # noqa: F401  (registers the permissions)
)
from . import selectors_standing as standing
from .forms_financial import (
    ImportForm,
    IndicatorForm,
    NotifiedForm,
    ReadingForm,
    SupplierSearchForm,
    show_refusal,
)
from .models import BreachEvent
from .selectors_financial import notice_status
from .views_access import team_only

VIEW = "resilience.view_financial_standing"


def _supplier(pk: int):
    supplier = standing.supplier(pk)
    if supplier is None:
        raise Http404("No supplier has that number")
    return supplier


def _breach(pk: int) -> BreachEvent:
    breach = (
        BreachEvent.objects.select_related("supplier", "indicator", "reading__indicator")
        .filter(pk=pk)
        .first()
    )
    if breach is None:
        raise Http404("No breach has that number")
    return breach


@login_required
def overview(request):
    """Every supplier with readings, its latest reading of each indicator against the
    threshold, and every breach, overdue first."""
    team_only(request)
    now = clock.now()
    search = SupplierSearchForm(request.GET)
    found = None
    if search.is_valid() and search.cleaned_data["q"]:
        found = standing.search_suppliers(search.cleaned_data["q"])
    breaches = paginate(request, standing.breaches_by_urgency(now=now), param="breaches_page")
    suppliers = paginate(request, standing.suppliers_with_readings(now=now))
    latest = standing.latest_readings(s.pk for s in suppliers)
    return render(
        request,
        "resilience/financial/overview.html",
        {
            "search": search,
            "found": found,
            "breaches": breaches,
            "breach_rows": standing.with_status(breaches, now=now),
            "suppliers": suppliers,
            "supplier_rows": [(s, latest.get(s.pk, [])) for s in suppliers],
        },
        status=200 if not search.errors else 400,
    )


@login_required
def supplier(request, pk: int):
    """A supplier's readings of each indicator over time and its breaches, each unnotified one
    with a form to record when it was notified."""
    team_only(request)
    supplier = _supplier(pk)
    now = clock.now()
    readings = paginate(request, standing.readings_of(supplier), param="readings_page")
    breaches = paginate(
        request, standing.breaches_by_urgency(now=now, supplier=supplier), param="breaches_page"
    )
    rows = [
        (
            breach,
            status,
            None
            if breach.notified_at
            else NotifiedForm(prefix=f"breach-{breach.pk}", initial=NotifiedForm.initial_for(now)),
        )
        for breach, status in standing.with_status(breaches, now=now)
    ]
    return render(
        request,
        "resilience/financial/supplier.html",
        {"supplier": supplier, "readings": readings, "breaches": breaches, "breach_rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_notified(request, pk: int):
    """Record when a breach was notified (the supplier page's forms post here; a refusal is
    shown on this breach's own page)."""
    team_only(request)
    breach = _breach(pk)
    prefix = f"breach-{breach.pk}"
    if request.method == "POST":
        form = NotifiedForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                actions_financial.record_breach_notified(
                    breach=breach, by=request.user, notified_at=form.cleaned_data["notified_at"]
                )
            except DomainError as exc:
                show_refusal(form, exc, NotifiedForm.PROBLEMS)
            else:
                messages.success(
                    request, f"The {breach.indicator.name} breach is recorded as notified"
                )
                url = reverse("resilience:financial_supplier", args=[breach.supplier_id])
                return redirect(url + "#breaches")
    else:
        form = NotifiedForm(prefix=prefix, initial=NotifiedForm.initial_for(clock.now()))
    return render(
        request,
        "resilience/financial/notified.html",
        {"breach": breach, "status": notice_status(breach), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_reading(request, pk: int):
    """The team records one reading of one of the supplier's indicators."""
    team_only(request)
    supplier = _supplier(pk)
    indicators = list(standing.indicators())
    form = ReadingForm(request.POST if request.method == "POST" else None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reading = actions_financial.record_reading(
                supplier=supplier,
                indicator_code=data["indicator"],
                value=data["value"],
                as_of=data["as_of"],
                by=request.user,
            )
        except DomainError as exc:
            show_refusal(form, exc, ReadingForm.PROBLEMS)
        else:
            breach = getattr(reading, "breach", None)
            if breach is None:
                messages.success(request, f"{reading.indicator.name} reading recorded")
            else:
                messages.success(
                    request,
                    f"{reading.indicator.name} reading recorded. It is past the threshold, so a "
                    f"breach was raised: it must be notified by {uk_time(breach.due_at)}",
                )
            return redirect("resilience:financial_supplier", pk=supplier.pk)
    return render(
        request,
        "resilience/financial/reading.html",
        {"supplier": supplier, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicators(request):
    """The indicators watched, and the team adds its own."""
    team_only(request)
    form = IndicatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator = actions_financial.add_indicator(
                code=data["code"],
                name=data["name"],
                unit=data["unit"],
                direction=data["direction"],
                threshold=data["threshold"],
                by=request.user,
            )
        except DomainError as exc:
            show_refusal(form, exc, IndicatorForm.PROBLEMS)
        else:
            messages.success(request, f"Indicator {indicator.name} added")
            return redirect("resilience:financial_indicators")
    return render(
        request,
        "resilience/financial/indicators.html",
        {"page": paginate(request, standing.indicators()), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_readings(request):
    """Readings from a CSV file: all of them, or none with every bad row listed by its line
    (the same import as `levelfield import-financial-readings`)."""
    team_only(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            readings = financial_import.import_financial_readings(
                upload=form.cleaned_data["file"], by=request.user
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
            for detail in exc.details:
                if detail != exc.message:
                    form.add_error(None, detail)
        else:
            breaches = sum(1 for reading in readings if hasattr(reading, "breach"))
            messages.success(
                request,
                f"{len(readings)} reading{'s' if len(readings) != 1 else ''} imported; "
                f"{breaches} breach{'es' if breaches != 1 else ''} raised",
            )
            return redirect("resilience:financial")
    return render(
        request,
        "resilience/financial/import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
