"""A buyer's unit costs (a page of its dashboard): the costs it has set, a form to set one and
a button to remove one, so its savings from re-lets read in its own units ("about 150 pothole
repairs a year"). Only its own: another buyer's cost is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core.ocds import platform_party_id

from . import actions_unit_costs
from .forms_unit_costs import UnitCostForm
from .models_unit_costs import BuyerUnitCost
from .views_dashboards import buyer_organisation


def _page(request, organisation, form, status=200):
    costs = BuyerUnitCost.objects.filter(buyer_id=platform_party_id(organisation))
    context = {
        "organisation": organisation,
        "form": form,
        "costs": list(costs),
        "can_set": actions_unit_costs.may_set_unit_costs(request.user, organisation),
    }
    return render(request, "insights/unit_costs.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_costs(request):
    organisation = buyer_organisation(request)
    if request.method == "GET":
        return _page(request, organisation, UnitCostForm())
    if not actions_unit_costs.may_set_unit_costs(request.user, organisation):
        raise PermissionDenied("Only the buyer's admins and officers set its unit costs")
    form = UnitCostForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cost = actions_unit_costs.set_unit_cost(
                by=request.user,
                organisation=organisation,
                cpv_division=data["cpv_division"],
                label=data["label"],
                unit=data["unit"],
                cost_per_unit=data["cost_per_unit"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, f"Unit cost saved: £{cost.cost_per_unit} per {cost.unit}")
            return redirect("insights:unit_costs")
    return _page(request, organisation, form, status=422)


@login_required
@require_POST
def remove_unit_cost(request, pk: int):
    organisation = buyer_organisation(request)
    if not actions_unit_costs.may_set_unit_costs(request.user, organisation):
        raise PermissionDenied("Only the buyer's admins and officers remove its unit costs")
    cost = get_object_or_404(BuyerUnitCost, pk=pk, buyer_id=platform_party_id(organisation))
    try:
        actions_unit_costs.remove_unit_cost(by=request.user, organisation=organisation, cost=cost)
    except BuyerUnitCost.DoesNotExist as error:
        raise Http404("No such unit cost of yours") from error
    messages.success(request, f"Unit cost removed: {cost.unit}")
    return redirect("insights:unit_costs")
