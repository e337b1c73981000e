"""The supplier's contracts and the public contract register.

A supplier sees only the contracts it holds, once signed (`Contract.objects.for_supplier`); the
public only contracts once signed (`Contract.objects.public`), and of each only what is public:
never its manager, the supplier's contact, its risk or tier, or its documents."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from levelfield.core.pagination import paginate
from levelfield.resilience.selectors_flags import contract_will_flag
from levelfield.tenders.page_helpers import require_perm

from . import selectors_records as selectors
from .forms_contract import RegisterFilterForm
from .lifecycle import PUBLIC, ContractStatus
from .models import ContractNotice
from .ocds import contract_ocid

PAGE_SIZE = 25


def _supplier(request):
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise Http404("Only supplier organisations hold contracts")
    return organisation


@login_required
@require_http_methods(["GET"])
def supplier_contracts(request):
    supplier = _supplier(request)
    page = paginate(request, selectors.supplier_contracts(supplier), PAGE_SIZE)
    return render(
        request, "contracts/contract/supplier_list.html", {"page": page, "supplier": supplier}
    )


@login_required
@require_http_methods(["GET"])
def supplier_contract(request, pk: int):
    supplier = _supplier(request)
    contract = get_object_or_404(selectors.supplier_contracts(supplier), pk=pk)
    require_perm(request, "contracts.view_contract", contract)
    return render(
        request,
        "contracts/contract/supplier_detail.html",
        {
            "contract": contract,
            "options": list(contract.options.all()),
            "will_flag": contract_will_flag(contract),
        },
    )


PUBLIC_STATUSES = [(s.value, s.label) for s in ContractStatus if s in PUBLIC]


class PublicFilterForm(RegisterFilterForm):
    """The public register filters by status only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, managers=[], **kwargs)
        for name in ("tier", "manager", "flagged"):
            del self.fields[name]
        self.fields["status"].choices = [("", "Any status"), *PUBLIC_STATUSES]


@require_http_methods(["GET"])
def public_register(request):
    form = PublicFilterForm(request.GET or None)
    contracts = selectors.public_contracts()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("status"):
        contracts = contracts.filter(status=form.cleaned_data["status"])
    page = paginate(request, contracts, PAGE_SIZE)
    return render(request, "contracts/contract/public_register.html", {"page": page, "form": form})


@require_http_methods(["GET"])
def public_contract(request, pk: int):
    contract = get_object_or_404(selectors.public_contracts().select_related("lot__tender"), pk=pk)
    # What the Act required to be published about it (UK7-UK11), each an OCDS release.
    notices = ContractNotice.objects.filter(contract=contract).order_by("published_at", "id")
    return render(
        request,
        "contracts/contract/public_detail.html",
        {
            "contract": contract,
            "notices": list(notices),
            # The compiled record of its contracting process, with every release.
            "ocid": contract_ocid(contract),
        },
    )
