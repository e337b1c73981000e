"""The pages for buying from the catalogue (/marketplace/), for a buyer's staff:

- the catalogue search: a GET form (words, lot, category, price range, supplier size, VCSE,
  certifications, sort) with each facet value's count, results a page at a time, and buttons to
  save the search into one of the buyer's projects still searching;
- the projects: the list and a new project; a project's page (its searches, the frozen
  shortlist, ending the search, the outcome), the shortlist's download (CSV, XLSX) and its
  prices compared; recording the outcome.

Admins and officers change things; evaluators read. Another organisation's project is a 404, and
so is one of the person's other organisation while they act for this one.
Every change calls its action, which decides; a refusal is shown beside its field or at the top.
"""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.numbers import read_id
from levelfield.core.pagination import paginate

from . import exports, rules, search, search_responses
from . import selectors_buying as selectors
from .actions import outcomes, projects
from .forms_buying import AWARDED, OutcomeForm, ProjectForm
from .lifecycle import ProjectStatus
from .models import Project
from .templatetags.marketplace_words import filter_in_words, lots_chosen

# How many projects the search page offers to save into.
SAVE_INTO = 5
QUANTITY_LIMIT = Decimal("1000000")
# The longest search address a service page is given to lead back to.
BACK_LIMIT = 2000


def search_address(parameters: QueryDict) -> str:
    """The catalogue search's address with the search page's own `parameters` kept (any other
    left out)."""
    items = [
        (name, value)
        for name, values in parameters.lists()
        if name in search_responses.PAGE_PARAMETERS
        for value in values
    ]
    page = reverse("marketplace:search")
    return f"{page}?{urlencode(items)}" if items else page


def search_back(value: str) -> str:
    """Where a page opened from the search's results leads back to: `value` when it is the
    catalogue search's own address (a relative path, its query kept), else the search page.
    Never another site nor a script: `//evil.example`, `https://...`, `javascript:...`, a path
    with a backslash or any path but the search's give the search page."""
    page = reverse("marketplace:search")
    if not value or len(value) > BACK_LIMIT or any(c in value for c in "\\\r\n\t"):
        return page
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path != page or parts.fragment:
        return page
    return search_address(QueryDict(parts.query))


def _reader(request):
    """The buyer organisation `request.user` reads the catalogue for, or 404 (not a buyer's
    staff: the catalogue search is the buying side's)."""
    organisation = getattr(request, "organisation", None)
    if not rules.is_buyer_reader(request.user, organisation):
        raise Http404("The catalogue search is for buyers' staff")
    return organisation


def _project(request, pk: int, *, staff: bool = False) -> Project:
    """The project `pk` of the buyer the person acts for, or 404 (another buyer's, or one of
    their other organisation's while they act for this one); 403 for changes by an evaluator."""
    project = selectors.project_for(request.user, getattr(request, "organisation", None), pk)
    if project is None:
        raise Http404("No project of yours has that number")
    if staff and not rules.is_buyer_staff(request.user, project.buyer):
        raise PermissionDenied("Only the buyer's admins and officers can do that")
    return project


class _Counted:
    """A result count that Django's paginator pages through (the search has the results)."""

    def __init__(self, total: int):
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return []


def _facet_links(criteria: search.Criteria) -> list[tuple[str, str]]:
    """(label, address) for each facet chosen: the search without it."""
    chosen = []
    items = criteria.query_items()
    lots = lots_chosen(criteria)
    for index, (name, value) in enumerate(items):
        if name in ("q", "sort"):
            continue
        rest = items[:index] + items[index + 1 :]
        chosen.append((filter_in_words(name, value, lots), "?" + urlencode(rest)))
    return chosen


def _search_parts(request, criteria: search.Criteria, page_number: int) -> dict:
    """The search page's expensive parts (the facets, the heading, the results) as HTML, with
    the figures the rest of the page shows: what search_responses keeps."""
    results = search.search(criteria, page=page_number)
    paginator = Paginator(_Counted(results.total), results.per_page)  # type: ignore[arg-type,var-annotated]
    context = {
        "results": results,
        "page": paginator.get_page(results.page),
        # each service's page leads back to this search (kept with the parts: the cache's key
        # is the same page parameters)
        "back": urlencode({"back": search_address(request.GET)}),
    }
    return {
        "facets": [
            render_to_string("marketplace/buying/_search_facet.html", {"facet": facet}, request)
            for facet in results.facets.values()
        ],
        "found": render_to_string("marketplace/buying/_search_found.html", context, request),
        "results": render_to_string("marketplace/buying/_search_results.html", context, request),
        "facets_capped": results.facets_capped,
        "limit": search.RESULT_LIMIT,
    }


@login_required
@require_GET
def search_page(request):
    _reader(request)
    criteria, problems = search.read_criteria(request.GET)
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    # A price that could not be read is left out of the search (and shown beside its field).
    # The facets and results are the same for every buyer: kept under the catalogue's
    # generation; the rest (the person's projects, the CSRF token) is made afresh.
    parts = search_responses.page_parts(
        request, lambda: _search_parts(request, criteria, page_number)
    )
    parts = {
        **parts,
        "facets": [mark_safe(html) for html in parts["facets"]],  # noqa: S308 (our templates)
        "found": mark_safe(parts["found"]),  # noqa: S308
        "results": mark_safe(parts["results"]),  # noqa: S308
    }
    project = None
    save_into: list[Project] = []
    organisation = getattr(request, "organisation", None)
    if rules.is_buyer_staff(request.user, organisation):
        save_into = list(selectors.searching_projects(organisation)[:SAVE_INTO])
        chosen = read_id(request.GET.get("project", ""))
        if chosen is not None:
            project = next((p for p in save_into if p.pk == chosen), None)
            if project is None:
                project = selectors.searching_projects(organisation).filter(pk=chosen).first()
            if project is not None:
                save_into = [project]
    return render(
        request,
        "marketplace/buying/search.html",
        {
            "criteria": criteria,
            "problems": problems,
            "errors": [{"href": f"#{name}", "text": text} for name, text in problems.items()],
            "parts": parts,
            "sorts": search.SORTS.items(),
            "chosen": _facet_links(criteria),
            "save_into": save_into,
            "hidden": criteria.query_items(),
            "project": project,
        },
    )


@login_required
@require_GET
def projects_list(request):
    organisation = _reader(request)
    page = paginate(request, selectors.projects_for(organisation))
    return render(
        request,
        "marketplace/buying/projects.html",
        {"page": page, "may_run": rules.is_buyer_staff(request.user, organisation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    organisation = _reader(request)
    if not rules.is_buyer_staff(request.user, organisation):
        raise PermissionDenied("Only the buyer's admins and officers start projects")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = projects.create_project(
                buyer=organisation,
                by=request.user,
                name=form.cleaned_data["name"],
                need=form.cleaned_data["need"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Project {project.reference} started: search the catalogue")
            return redirect(reverse("marketplace:search") + f"?project={project.pk}")
    return render(request, "marketplace/buying/project_form.html", {"form": form})


@login_required
@require_GET
def project_page(request, pk: int):
    project = _project(request, pk)
    searches = list(project.searches.select_related("saved_by").order_by("-number"))
    latest = searches[0] if searches else None
    return render(
        request,
        "marketplace/buying/project.html",
        {
            "project": project,
            "searches": searches,
            "latest_link": "?" + urlencode(latest_query(latest)) if latest else "",
            "shortlist": selectors.shortlist(project),
            "outcome": selectors.outcome_of(project),
            "may_run": rules.is_buyer_staff(request.user, project.buyer),
            "searching": project.status == ProjectStatus.SEARCHING,
            "ended": project.status == ProjectStatus.ENDED,
            "limit": projects.SHORTLIST_LIMIT,
        },
    )


def latest_query(saved) -> list[tuple[str, str]]:
    """The search page's parameters for a saved search (to refine it)."""
    criteria = search.Criteria.from_saved(saved.keywords, saved.filters)
    return [*criteria.query_items(), ("project", str(saved.project_id))]


@login_required
@require_POST
def save_search(request, pk: int):
    project = _project(request, pk, staff=True)
    criteria, problems = search.read_criteria(request.POST)
    if problems:
        messages.error(request, projects.SEARCH_PROBLEM)
        return redirect(reverse("marketplace:search") + "?" + urlencode(criteria.query_items()))
    # One message, saying what was saved (run_button_action's would be a second banner).
    try:
        saved = projects.save_search(project=project, by=request.user, criteria=criteria)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Search {saved.number} saved into {project.reference}: "
            f"{saved.result_count} service{'s' if saved.result_count != 1 else ''}",
        )
    return redirect("marketplace:project", pk=project.pk)


@login_required
@require_POST
def project_end(request, pk: int):
    project = _project(request, pk, staff=True)
    run_button_action(
        request,
        lambda: projects.end_project(project=project, by=request.user),
        success="The search has ended: the shortlist is frozen",
    )
    return redirect("marketplace:project", pk=project.pk)


@login_required
@require_GET
def shortlist_download(request, pk: int, kind: str):
    if kind not in exports.DOWNLOADS:
        raise Http404("No such download")
    project = _project(request, pk)
    entries = selectors.shortlist(project)
    if not entries:
        raise Http404("This project has no shortlist yet: end its search first")
    body, content_type, filename = exports.shortlist_file(project, entries, kind)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _quantity(text: str) -> tuple[Decimal | None, str]:
    text = (text or "").replace(",", "").strip()
    if not text:
        return None, ""
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        return None, "Enter how many units, like 250"
    if not quantity.is_finite() or quantity <= 0 or quantity > QUANTITY_LIMIT:
        return None, f"Enter how many units, more than 0 and up to {QUANTITY_LIMIT:,}"
    return quantity, ""


@login_required
@require_GET
def compare(request, pk: int):
    project = _project(request, pk)
    entries = selectors.shortlist(project)
    if not entries:
        raise Http404("This project has no shortlist yet: end its search first")
    quantity, problem = _quantity(request.GET.get("quantity", ""))
    return render(
        request,
        "marketplace/buying/compare.html",
        {
            "project": project,
            "rows": selectors.compare(entries, quantity),
            "quantity": quantity,
            "quantity_text": request.GET.get("quantity", "")[:20],
            "problem": problem,
            "errors": [{"href": "#quantity", "text": problem}] if problem else [],
        },
    )


def _outcome_refused(form, exc: DomainError) -> None:
    """Each of the refusal's problems beside its field (outcomes.OutcomeRefused), the rest at
    the top."""
    if isinstance(exc, outcomes.OutcomeRefused):
        problems = exc.problems
    else:
        problems = [(None, detail) for detail in exc.details or [exc.message]]
    for field, problem in problems:
        form.add_error(field if field in form.fields else None, problem)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request, pk: int):
    project = _project(request, pk, staff=True)
    if project.status != ProjectStatus.ENDED:
        messages.error(
            request,
            outcomes.NOT_ENDED if project.status == ProjectStatus.SEARCHING else outcomes.ALREADY,
        )
        return redirect("marketplace:project", pk=project.pk)
    entries = selectors.shortlist(project)
    form = OutcomeForm(
        request.POST or None,
        entries=entries,
        award_barrier=outcomes.award_barrier(project, request.user),
        conflicted=outcomes.conflicted_entries(request.user, entries),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["awarded"] == AWARDED:
                recorded = outcomes.award(
                    project=project,
                    by=request.user,
                    entry_id=data["entry"],
                    value=data["value"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    reason=data["reason"],
                    previous_cost=data["previous_cost"],
                    previous_supplier=data["previous_supplier"],
                )
            else:
                recorded = outcomes.not_awarded(
                    project=project, by=request.user, reason=data["reason"]
                )
        except DomainError as exc:
            _outcome_refused(form, exc)
        else:
            if recorded.contract is not None:
                messages.success(
                    request, f"Call-off awarded: contract {recorded.contract.reference} is signed"
                )
            else:
                messages.success(request, "Recorded: no call-off")
            return redirect("marketplace:project", pk=project.pk)
    return render(
        request,
        "marketplace/buying/outcome.html",
        {"project": project, "form": form, "entries": entries},
    )
