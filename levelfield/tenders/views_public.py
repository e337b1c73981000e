"""Public pages: anyone can find and read published opportunities; suppliers ask questions."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from levelfield.bids import statistics as bid_statistics
from levelfield.contracts.selectors import public_awards
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.core.pagination import paginate

from . import actions, actions_amend, ocds, search_mixed, selectors
from .forms_public import AskQuestionForm, OpportunitySearchForm
from .search_responses import cache_search_response


def _is_supplier(request) -> bool:
    organisation = getattr(request, "organisation", None)
    return bool(request.user.is_authenticated and organisation and organisation.is_supplier)


def home(request):
    return render(
        request,
        "tenders/public/home.html",
        {"latest": selectors.latest_open_opportunities()},
    )


# What the list shows of each tender (opportunities.html): only these are read.
RESULT_FIELDS = (
    "reference",
    "title",
    "buyer__name",
    "estimated_value",
    "submission_deadline",
    "suitable_for_sme",
    "suitable_for_vcse",
    "reserved_participation",
    "status",
)


@cache_search_response(parameters=(*OpportunitySearchForm.FILTER_NAMES, "page"))
def opportunities(request):
    form = OpportunitySearchForm(request.GET)
    filters = form.filters()
    # The platform's tenders and the open notices imported from other publishers.
    results = search_mixed.cached_search(**filters).only(*RESULT_FIELDS)
    page = paginate(request, results)
    return render(
        request,
        "tenders/public/opportunities.html",
        {
            "form": form,
            "page_obj": page,
            # The count stops just above RESULT_LIMIT (selectors.OpportunityResults).
            "more_than": (
                selectors.RESULT_LIMIT if page.paginator.count > selectors.RESULT_LIMIT else None
            ),
            # Imported notices are listed only while open and never say whom they are
            # reserved for: with either filter, only the platform's own tenders can match.
            "only_ours": filters.get("status") == selectors.CLOSED or bool(filters.get("reserved")),
            "filtered": any(
                value for key, value in request.GET.items() if key != "page" and value.strip()
            ),
        },
    )


def _get_public_tender(reference: str):
    tender = selectors.public_opportunity(reference).first()
    if tender is None:
        raise Http404("No published opportunity has that reference")
    return tender


def _render_opportunity(request, tender, *, ask_form=None):
    is_supplier = _is_supplier(request)
    if ask_form is None and is_supplier and tender.is_open_for_questions:
        ask_form = AskQuestionForm()
    awards = public_awards(tender)
    return render(
        request,
        "tenders/public/opportunity.html",
        {
            "tender": tender,
            "lots": list(tender.lots.all()),
            "is_supplier": is_supplier,
            "ask_form": ask_form,
            # The signed-in supplier's own questions, linking to how each was answered.
            "own_questions": (
                list(selectors.clarifications_asked_by(request.organisation).filter(tender=tender))
                if is_supplier
                else []
            ),
            "ocds_record_url": ocds.record_url(tender),
            "awards": awards,
            # Published with the award notice, so shown from then on.
            "bid_stats": bid_statistics.published(tender) if awards else None,
        },
    )


def opportunity(request, reference: str):
    tender = _get_public_tender(reference)
    if _is_supplier(request):
        # Interested suppliers are told of amendments.
        actions_amend.record_interest(tender=tender, supplier=request.organisation)
    return _render_opportunity(request, tender)


@login_required
@require_POST
def ask(request, reference: str):
    tender = _get_public_tender(reference)
    if not _is_supplier(request) or not request.user.has_perm(
        "tenders.ask_question", request.organisation
    ):
        raise Http404("Only suppliers can ask clarification questions")
    form = AskQuestionForm(request.POST)
    if form.is_valid():
        try:
            actions.ask_question(
                tender=tender,
                by=request.user,
                organisation=request.organisation,
                question=form.cleaned_data["question"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "Your question has been sent to the buyer. The answer will be published on this "
                "page, without your name or your organisation's name.",
            )
            return redirect("public:opportunity", reference=tender.reference)
    return _render_opportunity(request, tender, ask_form=form)


def document(request, reference: str, document_id: int):
    doc = selectors.public_document(reference=reference, document_id=document_id)
    if doc is None:
        raise Http404("No published document here")
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(doc.file.name).name)
