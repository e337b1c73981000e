"""The buyer's contract register and contract pages: the register (page, CSV and XLSX), a
contract's page with its next steps and each concern's summary, entering a contract let
elsewhere, editing details. The steps themselves (sign, mobilise, go live, suspend, resume,
manager, options, documents) are in `views_contract_steps.py`; the supplier's and the public's
pages in `views_contract_public.py`.

Contracts are found only through `Contract.objects.for_buyer(request.organisation)`, so another
buyer's contract is a 404; a missing permission a 403 (the action checks it again)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.core import clock, spreadsheets
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.core.pagination import paginate
from levelfield.resilience import selectors_flags
from levelfield.tenders.page_helpers import buyer_organisation, require_perm

from . import selectors_records as selectors
from .actions import records
from .forms_contract import EditContractForm, EnterContractForm, RegisterFilterForm
from .lifecycle import ALLOWED, ENDED, ContractStatus
from .models import Contract, Origin

REGISTER_PAGE_SIZE = 25
REGISTER_COLUMNS = [
    "Reference",
    "Title",
    "Supplier",
    "Value (GBP)",
    "Start date",
    "End date",
    "Status",
    "Tier",
    "Contract manager",
    "Needs attention",
]
DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def buyer_contract(request, pk: int, perm: str = "contracts.view_contract") -> Contract:
    """One of the current buyer's contracts, or 404; 403 without `perm`."""
    contract = get_object_or_404(
        Contract.objects.for_buyer(buyer_organisation(request)).select_related(
            "buyer", "supplier", "contract_manager", "recorded_by", "signed_by", "lot__tender"
        ),
        pk=pk,
    )
    require_perm(request, perm, contract)
    return contract


def _filters(request, buyer) -> tuple[RegisterFilterForm, selectors.RegisterFilters]:
    form = RegisterFilterForm(request.GET or None, managers=selectors.managers_in_register(buyer))
    if not form.is_bound or not form.is_valid():
        return form, selectors.RegisterFilters()
    data = form.cleaned_data
    flagged = {"yes": True, "no": False}.get(data.get("flagged") or "")
    return form, selectors.RegisterFilters(
        status=data.get("status") or "",
        tier=data.get("tier") or "",
        manager=data.get("manager"),
        flagged=flagged,
    )


def _register(request):
    buyer = buyer_organisation(request)
    require_perm(request, "contracts.view_register", buyer)
    form, filters = _filters(request, buyer)
    return buyer, form, selectors.register(buyer, filters, clock.today_uk())


@login_required
@require_http_methods(["GET"])
def register(request):
    buyer, form, contracts = _register(request)
    today = clock.today_uk()
    page = paginate(request, contracts, REGISTER_PAGE_SIZE)
    rows = [(contract, selectors.flags(contract, today)) for contract in page]
    # Critical contracts whose supplier has no current living will (issue 15), tagged.
    will_flagged = selectors_flags.flagged_contract_ids(
        buyer=buyer, contract_ids=[contract.pk for contract, _ in rows], today=today
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contracts/contract/register.html",
        {
            "buyer": buyer,
            "form": form,
            "page": page,
            "rows": rows,
            "will_flagged": will_flagged,
            "query": query.urlencode(),
            "filtered": any(request.GET.get(k) for k in form.fields),
            "can_enter": request.user.has_perm("contracts.enter_contract", buyer),
        },
    )


def register_rows(contracts, today):
    """The register as rows of cells, header first, for the downloads."""
    yield REGISTER_COLUMNS
    for contract in contracts:
        yield [
            contract.reference,
            contract.title,
            contract.supplier.name,
            contract.value,
            contract.start_date,
            contract.end_date,
            contract.get_status_display(),
            contract.get_tier_display(),
            str(contract.contract_manager) if contract.contract_manager else "",
            "; ".join(selectors.flags(contract, today)),
        ]


@login_required
@require_http_methods(["GET"])
def register_download(request, kind: str):
    """The filtered register, every row, as CSV or XLSX (through core.spreadsheets)."""
    if kind not in DOWNLOADS:
        raise Http404("No such download")
    buyer, _, contracts = _register(request)
    today = clock.today_uk()
    rows = register_rows(contracts.iterator(chunk_size=500), today)
    content_type, extension = DOWNLOADS[kind]
    if kind == "csv":
        out = io.StringIO()
        spreadsheets.csv_writer(out, lineterminator="\r\n").writerows(rows)
        body = out.getvalue().encode("utf-8")
    else:
        body = spreadsheets.xlsx_bytes(rows, sheet_name="Contract register")
    response = HttpResponse(body, content_type=content_type)
    filename = f"contract-register-{today.isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def enter(request):
    buyer = buyer_organisation(request)
    require_perm(request, "contracts.enter_contract", buyer)
    form = EnterContractForm(request.POST or None, people=selectors.buyer_people(buyer))
    if request.method == "POST" and form.is_valid():
        try:
            contract = records.enter_contract(buyer=buyer, by=request.user, **form.details())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Contract {contract.reference} recorded. A buyer admin confirms it is signed.",
            )
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/contract/enter.html", {"form": form, "buyer": buyer})


# The buttons a contract's page offers for each next state: the page (url name) that takes
# the step, with the permission it needs.
STEPS: dict[str, tuple[str, str, str]] = {
    ContractStatus.SIGNED: (
        "sign_let_elsewhere",
        "Confirm it is signed",
        "contracts.sign_recorded_contract",
    ),
    ContractStatus.MOBILISING: ("mobilise", "Start mobilisation", "contracts.manage_contract"),
    ContractStatus.LIVE: ("go_live", "Go live", "contracts.manage_contract"),
    ContractStatus.SUSPENDED: ("suspend", "Suspend", "contracts.suspend_contract"),
}


def next_steps(request, contract: Contract) -> list[tuple[str, str]]:
    """(address, label) for each step the lifecycle table allows now and the user may take. Ending
    a contract (terminate, complete) is on the changes and ending pages."""
    steps = []
    for target in sorted(ALLOWED[contract.status], key=list(ContractStatus.values).index):
        if contract.status == ContractStatus.SUSPENDED and target == ContractStatus.LIVE:
            step = ("resume", "Resume", "contracts.suspend_contract")
        elif target == ContractStatus.SIGNED and contract.origin != Origin.LET_ELSEWHERE:
            continue  # an awarded contract is signed on its tender's award pages
        elif target in STEPS:
            step = STEPS[target]
        else:
            continue
        if request.user.has_perm(step[2], contract):
            steps.append((reverse(f"contracts:{step[0]}", args=[contract.pk]), step[1]))
    return steps


@login_required
@require_http_methods(["GET"])
def detail(request, pk: int):
    contract = buyer_contract(request, pk)
    can_manage = request.user.has_perm("contracts.manage_contract", contract)
    documents = list(contract.documents.select_related("uploaded_by"))
    options = list(contract.options.select_related("used_by"))
    return render(
        request,
        "contracts/contract/detail.html",
        {
            "contract": contract,
            "flags": selectors.flags(contract, clock.today_uk()),
            "will_flag": selectors_flags.contract_will_flag(contract, user=request.user),
            "steps": next_steps(request, contract),
            "options": options,
            "documents": documents,
            "can_manage": can_manage,
            "can_edit": can_manage and contract.status not in ENDED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    contract = buyer_contract(request, pk, "contracts.manage_contract")
    initial = {
        name: getattr(contract, name)
        for name in (
            "reference",
            "title",
            "description",
            "category",
            "notice_reference",
            "value",
            "start_date",
            "end_date",
            "supplier_contact_name",
            "supplier_contact_email",
            "risk",
            "critical",
            "outcome_measure",
        )
    }
    form = EditContractForm(request.POST or None, initial=initial, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            records.update_contract(contract=contract, by=request.user, **form.details())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Contract details saved")
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/contract/edit.html", {"form": form, "contract": contract})
