"""The contract record in the JSON API: the buyer's register (list with filters, one contract,
enter a contract let elsewhere, change details, manager, options, each lifecycle step), the
supplier's contracts, and the public register. Each endpoint calls the action that does it.

A buyer's contract is found only among its own (`Contract.objects.for_buyer`), a supplier's
among those it holds once signed (`for_supplier`), the public's among those signed (`public`):
any other id is 404 `not_found`."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_buyer, acting_supplier, api_auth
from levelfield.accounts.models import User
from levelfield.core import clock
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import DomainError, PermissionDenied

from . import api_common
from . import selectors_records as selectors
from .actions import records
from .api_common import buyer_contract
from .models import Contract
from .schemas_contract import (
    BuyerContractOut,
    ContractEntryIn,
    ContractManagerIn,
    ContractRegisterQuery,
    ContractSuspendIn,
    ContractUpdateIn,
    ExtensionOptionIn,
    ExtensionOptionOut,
    PublicContractOut,
    PublicContractQuery,
    SupplierContractOut,
)

router = Router(auth=api_auth, tags=["Buyer: contract register"])
supplier_router = Router(auth=api_auth, tags=["Supplier: contracts"])
public_router = Router(tags=["Contract register (public)"])

NOT_STAFF = "You are not on this buyer's staff"


def _fresh(contract: Contract) -> Contract:
    return selectors.with_manager_level(
        Contract.objects.select_related("supplier", "contract_manager", "lot")
    ).get(pk=contract.pk)


def _manager(manager_id: int | None):
    """The person named as manager; one who is not the buyer's is refused by the action, and
    an id that is no one's the same way."""
    if manager_id is None:
        return None
    person = User.objects.filter(pk=manager_id).first()
    if person is None:
        raise DomainError(records.MANAGER_NOT_MEMBER, code="validation_error")
    return person


@router.get(
    "/contracts",
    response={200: list[BuyerContractOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="buyer_contracts_list",
    summary="Your contract register, newest recorded first",
    description="Every contract of your organisation, awarded on levelfield or let elsewhere, "
    "for its admins, officers and evaluators. Filters: `status`, `tier`, `manager_id` (0 for "
    "contracts with no manager) and `flagged`. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def register(request, filters: Query[ContractRegisterQuery]):
    organisation = acting_buyer(request)
    if not request.user.has_perm("contracts.view_register", organisation):
        raise PermissionDenied(NOT_STAFF)
    return selectors.register(
        organisation,
        selectors.RegisterFilters(
            status=filters.status or "",
            tier=filters.tier or "",
            manager=filters.manager_id,
            flagged=filters.flagged,
        ),
        clock.today_uk(),
    ).select_related("lot")


@router.post(
    "/contracts",
    response={201: BuyerContractOut, **errors(*SIGNED_IN_ERRORS, 400)},
    operation_id="buyer_contract_enter",
    summary="Enter a contract let elsewhere (buyer admins and officers)",
    description="Recorded as entered into, with the supplier registered on levelfield; a buyer "
    "admin then confirms it is signed. 400 `validation_error` lists every problem in "
    "`details` (value more than 0, dates in order and between 2000 and 2099, a registered "
    "supplier, a manager among your people, a reference not yet used).",
)
def enter(request, payload: ContractEntryIn):
    organisation = acting_buyer(request)
    data = payload.model_dump()
    manager = _manager(data.pop("contract_manager_id"))
    contract = records.enter_contract(
        buyer=organisation, by=request.user, contract_manager=manager, **data
    )
    return Status(201, _fresh(contract))


@router.get(
    "/contracts/{contract_id}",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_contract_get",
    summary="One of your contracts",
)
def get(request, contract_id: int):
    return buyer_contract(request, contract_id)


@router.patch(
    "/contracts/{contract_id}",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_update",
    summary="Change a contract's details",
    description="Only the fields sent change; the tier follows value, risk and criticality. "
    "Reference, value and dates only while it is recorded (409 `invalid_state` after). 409 "
    "too for a contract that has ended.",
)
def update(request, contract_id: int, payload: ContractUpdateIn):
    contract = buyer_contract(request, contract_id, "contracts.manage_contract")
    contract = records.update_contract(
        contract=contract, by=request.user, **payload.model_dump(exclude_unset=True)
    )
    return _fresh(contract)


@router.put(
    "/contracts/{contract_id}/manager",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_manager_set",
    summary="Name the contract's manager (or nobody)",
    description="One of your organisation's people (400 otherwise). A manager accredited "
    "below the tier's level is allowed and flagged.",
)
def set_manager(request, contract_id: int, payload: ContractManagerIn):
    contract = buyer_contract(request, contract_id, "contracts.manage_contract")
    manager = _manager(payload.contract_manager_id)
    return _fresh(records.assign_manager(contract=contract, by=request.user, manager=manager))


def _step(request, contract_id: int, perm: str, action, **extra):
    contract = buyer_contract(request, contract_id, perm)
    return _fresh(action(contract=contract, by=request.user, **extra))


@router.post(
    "/contracts/{contract_id}/sign",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_sign_let_elsewhere",
    summary="Confirm a contract let elsewhere is signed (buyer admins)",
    description="recorded to signed. No contract details notice is published: it was "
    "published where it was let. A contract awarded on levelfield is signed through "
    "`buyer_contracts_sign` (409 here).",
)
def sign(request, contract_id: int):
    return _step(
        request, contract_id, "contracts.sign_recorded_contract", records.sign_let_elsewhere
    )


@router.post(
    "/contracts/{contract_id}/mobilise",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_mobilise",
    summary="Start mobilisation (signed to mobilising)",
)
def mobilise(request, contract_id: int):
    return _step(request, contract_id, "contracts.manage_contract", records.start_mobilisation)


@router.post(
    "/contracts/{contract_id}/go-live",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_go_live",
    summary="Make the contract live (signed or mobilising to live)",
    description="400 `kpis_required` for a contract over £5m without its KPIs (s.52), each "
    "problem in `details`.",
)
def go_live(request, contract_id: int):
    return _step(request, contract_id, "contracts.manage_contract", records.go_live)


@router.post(
    "/contracts/{contract_id}/suspend",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_suspend",
    summary="Suspend a live contract (buyer admins)",
    description="The reason is required (400) and sent to the supplier's contact.",
)
def suspend(request, contract_id: int, payload: ContractSuspendIn):
    return _step(
        request, contract_id, "contracts.suspend_contract", records.suspend, reason=payload.reason
    )


@router.post(
    "/contracts/{contract_id}/resume",
    response={200: BuyerContractOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_resume",
    summary="Resume a suspended contract (buyer admins)",
)
def resume(request, contract_id: int):
    return _step(request, contract_id, "contracts.suspend_contract", records.resume)


@router.get(
    "/contracts/{contract_id}/options",
    response={200: list[ExtensionOptionOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_contract_options_list",
    summary="The contract's options to extend",
)
def options(request, contract_id: int):
    return list(buyer_contract(request, contract_id).options.select_related("used_by"))


@router.post(
    "/contracts/{contract_id}/options",
    response={201: ExtensionOptionOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_options_add",
    summary="Record an option to extend",
    description="Using it later is a contract change. 409 for a contract that has ended.",
)
def add_option(request, contract_id: int, payload: ExtensionOptionIn):
    contract = buyer_contract(request, contract_id, "contracts.manage_contract")
    option = records.add_option(
        contract=contract,
        by=request.user,
        description=payload.description,
        months=payload.months,
        value=payload.value,
    )
    return Status(201, option)


@router.delete(
    "/contracts/{contract_id}/options/{option_id}",
    response={204: None, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_options_remove",
    summary="Remove an option to extend recorded in error",
    description="Not once used (409 `invalid_state`).",
)
def remove_option(request, contract_id: int, option_id: int):
    contract = buyer_contract(request, contract_id, "contracts.manage_contract")
    option = get_object_or_404(contract.options, pk=option_id)
    records.remove_option(option=option, by=request.user)
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Supplier


@supplier_router.get(
    "/contracts",
    response={200: list[SupplierContractOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="supplier_contracts_list",
    summary="The contracts you hold, once signed, newest first",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def supplier_contracts(request):
    return selectors.supplier_contracts(acting_supplier(request)).select_related("contract_manager")


@supplier_router.get(
    "/contracts/{contract_id}",
    response={200: SupplierContractOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_contract_get",
    summary="One of the contracts you hold",
)
def supplier_contract(request, contract_id: int):
    return api_common.supplier_contract(request, contract_id)


# ---------------------------------------------------------------------------------------------
# Public


@public_router.get(
    "",
    response={200: list[PublicContractOut], **errors(422)},
    operation_id="public_contracts_list",
    summary="Every contract signed by a buyer on levelfield, newest signed first",
    description="Awarded here or let elsewhere; filter by `status`. Paginated with `limit` and "
    "`offset`.",
)
@paginate(Pages)
def public_contracts(request, filters: Query[PublicContractQuery]):
    contracts = selectors.public_contracts()
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    return contracts


@public_router.get(
    "/{contract_id}",
    response={200: PublicContractOut, **errors(404)},
    operation_id="public_contract_get",
    summary="One signed contract, as the public sees it",
)
def public_contract(request, contract_id: int):
    return get_object_or_404(selectors.public_contracts(), pk=contract_id)


ROUTERS = [("/buyer", router), ("/supplier", supplier_router), ("/contracts", public_router)]
