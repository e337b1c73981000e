"""The resilience team's failure scenario pages: the saved scenarios, a new one (a name,
suppliers found by a search and ticked, a date), and a scenario's report with its dependency
map. Anyone without `resilience.run_scenarios` gets 404: a scenario names suppliers and reads
their living wills."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.core.numbers import read_id
from levelfield.core.pagination import paginate

from . import actions_scenarios, selectors_scenarios, selectors_supplier_search
from .forms_scenarios import ScenarioForm
from .models import Scenario
from .views_access import team_only
from .views_scenario_map import layout, map_rows

RUN = "resilience.run_scenarios"
SEARCH = "search"


def saved_scenario(request, pk: int):
    """The saved scenario and its report, worked out from the data as it is now; 404 for
    anyone not on the team and for an id that names none."""
    team_only(request)
    try:
        scenario = selectors_scenarios.scenario(pk)
    except Scenario.DoesNotExist:
        raise Http404("No scenario has that number") from None
    return scenario, selectors_scenarios.report(scenario)


@login_required
@require_http_methods(["GET"])
def scenario_list(request):
    team_only(request)
    return render(
        request,
        "resilience/scenarios/list.html",
        {"page": paginate(request, selectors_scenarios.scenarios())},
    )


def _ids(values) -> list[int]:
    """The suppliers ticked (or named in ?supplier=), each read as an id: anything else is left
    out (str.isdigit took "²", which int() refused: a server error), and the form says to
    search for it again."""
    ids = []
    for value in values:
        number = read_id((value or "").strip())
        if number is not None and number not in ids:
            ids.append(number)
    return ids


def _typed(day) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _offered(chosen_ids: list[int], query: str):
    """The suppliers to tick from: those ticked already, then those the search found."""
    chosen = selectors_supplier_search.suppliers_by_id(chosen_ids)
    found = selectors_supplier_search.suppliers_matching(query)
    seen = {org.pk for org in chosen}
    return chosen + [org for org in found if org.pk not in seen], found


@login_required
@require_http_methods(["GET", "POST"])
def scenario_new(request):
    """One form with two buttons: Search (finds suppliers to tick, keeping what is typed and
    ticked; also a GET with ?q= and ?supplier=) and Save, which saves the scenario and shows its
    report."""
    team_only(request)
    data = request.POST if request.method == "POST" else request.GET
    query = " ".join(data.get("q", "").split())[: selectors_supplier_search.MAX_QUERY]
    chosen_ids = _ids(data.getlist("suppliers") or data.getlist("supplier"))
    offered, found = _offered(chosen_ids, query)
    saving = request.method == "POST" and data.get("action") != SEARCH
    if saving:
        form = ScenarioForm(data, offered=offered)
        if form.is_valid():
            try:
                scenario = actions_scenarios.create_scenario(
                    name=form.cleaned_data["name"],
                    supplier_ids=form.cleaned_data["suppliers"],
                    as_of=form.cleaned_data["as_of"],
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"Scenario saved: {scenario.name}")
                return redirect("resilience:scenario", pk=scenario.pk)
    else:
        form = ScenarioForm(
            initial={
                "name": data.get("name", ""),
                "q": query,
                "suppliers": chosen_ids,
                "as_of": data.get("as_of") or _typed(clock.today_uk()),
            },
            offered=offered,
        )
    return render(
        request,
        "resilience/scenarios/new.html",
        {"form": form, "query": query, "found": found, "searched": bool(query)},
    )


@login_required
@require_http_methods(["GET"])
def scenario_detail(request, pk: int):
    scenario, report = saved_scenario(request, pk)
    contracts = {c.id: c for c in report.contracts}

    def references(ids):
        return [contracts[i].reference for i in ids if i in contracts]

    return render(
        request,
        "resilience/scenarios/report.html",
        {
            "scenario": scenario,
            "report": report,
            "map": layout(report),
            "map_rows": map_rows(report),
            "services": [(s, references(s.contract_ids)) for s in report.services],
            "subcontractors": [(s, references(s.contract_ids)) for s in report.subcontractors],
            "candidates": [
                (contracts[entry.contract_id], entry)
                for entry in report.candidates
                if entry.contract_id in contracts
            ],
            "plans": [s for s in report.services if s.plan is not None],
            "without_plan": [s for s in report.services if s.plan is None],
        },
    )
