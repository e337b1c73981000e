"""Pages for platform admins: the spend files imported (with their match rate) and the supplier
names nothing matched, highest total first, each for a person to resolve to a known
organisation or to none. Anyone else is told the pages do not exist (404)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.core.numbers import read_id
from levelfield.core.pagination import paginate

from . import actions_spend, selectors_spend
from .forms_spend import OrganisationSearchForm, ResolveForm
from .models import KnownOrganisation

PAGE_SIZE = 25


def _platform_admin(request) -> None:
    if not actions_spend.can_resolve(request.user):
        raise Http404("No such page")


@login_required
@require_http_methods(["GET"])
def files(request):
    _platform_admin(request)
    page = paginate(request, selectors_spend.files(), PAGE_SIZE)
    for spend_file in page.object_list:
        spend_file.rate = _rate(spend_file.matched, spend_file.lines_count)
        spend_file.amount_rate = _rate(spend_file.amount_matched, spend_file.amount)
    return render(request, "insights/spend/files.html", {"page": page})


def _rate(part, whole) -> str:
    if not whole:
        return "–"
    return f"{(part or 0) / whole:.1%}"


@login_required
@require_http_methods(["GET"])
def unmatched(request):
    _platform_admin(request)
    page = paginate(request, selectors_spend.unmatched(), PAGE_SIZE)
    for row in page.object_list:
        row["resolve_url"] = (
            reverse("insights:spend_resolve") + "?" + urlencode({"name": row["supplier_key"]})
        )
    return render(request, "insights/spend/unmatched.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request):
    _platform_admin(request)
    data = request.POST if request.method == "POST" else request.GET
    name_key = data.get("name", "")[:500]
    supplier_name = selectors_spend.unmatched_name(name_key) if name_key else None
    if supplier_name is None:
        raise Http404("No unmatched supplier has that name")
    search = OrganisationSearchForm(data if "q" in data else None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    organisations = list(selectors_spend.search_organisations(query)) if query else []
    form = None
    if request.method == "POST":
        # The organisation chosen, read as an id, is offered if the search no longer finds it;
        # anything else is not one of the choices (str.isdigit took "²", which int() refused)
        chosen = read_id(request.POST.get("choice", ""))
        if chosen is not None and not any(o.pk == chosen for o in organisations):
            organisations += list(KnownOrganisation.objects.filter(pk=chosen))
        form = ResolveForm(request.POST, organisations=organisations)
        if form.is_valid():
            organisation = form.organisation()
            actions_spend.resolve_supplier(
                by=request.user, name_key=name_key, organisation=organisation
            )
            if organisation is not None:
                text = f"{supplier_name} is now matched to {organisation.name}"
            else:
                text = f"{supplier_name} is marked as not an organisation we know"
            messages.success(request, text)
            return redirect("insights:spend_unmatched")
    else:
        form = ResolveForm(organisations=organisations)
    return render(
        request,
        "insights/spend/resolve.html",
        {
            "supplier_name": supplier_name,
            "name_key": name_key,
            "search": search if search.is_bound else OrganisationSearchForm(),
            "query": query,
            "organisations": organisations,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
