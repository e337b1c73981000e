"""A supplier's saved searches: save the current search, list them, delete one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.tenders.forms_public import OpportunitySearchForm

from . import actions
from .forms import SaveSearchForm
from .selectors import saved_searches_for, search_form

SAVE = "alerts.save_search"


def _supplier(request):
    """The supplier organisation the person acts for; 403 for anyone else."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not request.user.has_perm(SAVE, organisation):
        raise PermissionDenied("Only people from a supplier organisation can save searches")
    return organisation


@login_required
def saved_searches(request):
    _supplier(request)
    page = paginate(request, saved_searches_for(request.user))
    rows = [
        (saved, search_form(saved.params).describe(), urlencode(saved.params)) for saved in page
    ]
    return render(request, "alerts/list.html", {"page_obj": page, "rows": rows})


@login_required
def save(request):
    organisation = _supplier(request)
    if request.method == "POST":
        form = SaveSearchForm(request.POST)
        query = request.POST.get("query", "")
    else:
        query = _search_query(request.GET)
        suggested = request.GET.get("q", "").strip()[:100]
        form = SaveSearchForm(initial={"query": query, "name": suggested})
    search = search_form(QueryDict(query))
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_search(
                user=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                params=form.params(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Search saved as {saved.name}. We will email you once a day when new "
                "opportunities match it.",
            )
            return redirect("alerts:list")
    return render(
        request,
        "alerts/save.html",
        {"form": form, "filters": search.describe(), "query": query},
    )


def _search_query(params: QueryDict) -> str:
    """The search filters in a query string, without the page number or anything else."""
    kept = QueryDict(mutable=True)
    for name in OpportunitySearchForm.FILTER_NAMES:
        value = params.get(name, "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()


@login_required
@require_POST
def delete(request, pk: int):
    _supplier(request)
    saved = get_object_or_404(saved_searches_for(request.user), pk=pk)
    run_button_action(
        request,
        lambda: actions.delete_search(saved_search=saved, by=request.user),
        success=f"Saved search {saved.name} deleted. You will get no more emails for it.",
    )
    return redirect("alerts:list")
