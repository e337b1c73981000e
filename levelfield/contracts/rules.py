"""Who may do what with awards and contracts.

Buyer admins confirm awards, sign, suspend and terminate; admins and officers run the rest of a
contract's management (details, checklists, KPIs, assessments, invoices, changes); any of the
buyer's staff and the contract's manager may look. The supplier's people see the contract they
hold (once signed), report on its KPIs and claim its outcomes. The platform admin sees the
capability view across buyers."""

import rules

from levelfield.accounts.models import Organisation, Role
from levelfield.accounts.rules import has_role

from .lifecycle import ContractStatus

BUYER_RUNS = (Role.BUYER_ADMIN, Role.BUYER_OFFICER)
BUYER_STAFF = (Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR)
SUPPLIER_PEOPLE = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


@rules.predicate
def is_buyer_admin(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN)


@rules.predicate
def runs_tender(user, tender):
    return has_role(user, tender.buyer, *BUYER_RUNS)


@rules.predicate
def runs_buyer(user, organisation):
    return isinstance(organisation, Organisation) and has_role(user, organisation, *BUYER_RUNS)


@rules.predicate
def admin_of_buyer(user, organisation):
    return isinstance(organisation, Organisation) and has_role(user, organisation, Role.BUYER_ADMIN)


@rules.predicate
def staff_of_buyer(user, organisation):
    return isinstance(organisation, Organisation) and has_role(user, organisation, *BUYER_STAFF)


@rules.predicate
def runs_contract(user, contract):
    return has_role(user, contract.buyer, *BUYER_RUNS)


@rules.predicate
def admin_on_contract(user, contract):
    return has_role(user, contract.buyer, Role.BUYER_ADMIN)


@rules.predicate
def buyer_staff_on_contract(user, contract):
    return has_role(user, contract.buyer, *BUYER_STAFF)


@rules.predicate
def manages_contract(user, contract):
    return (
        user.is_authenticated
        and contract.contract_manager_id == user.pk
        and has_role(user, contract.buyer, *BUYER_STAFF)
    )


@rules.predicate
def works_for_contractor(user, contract):
    return contract.status != ContractStatus.RECORDED and has_role(
        user, contract.supplier, *SUPPLIER_PEOPLE
    )


# Award and contract award notice (tender pages).
rules.add_perm("contracts.confirm_award", is_buyer_admin)
rules.add_perm("contracts.publish_award_notice", runs_tender)
rules.add_perm("contracts.record_contract", runs_tender)
rules.add_perm("contracts.sign_contract", is_buyer_admin)

# The buyer's register (object: the buyer organisation).
rules.add_perm("contracts.view_register", staff_of_buyer)
rules.add_perm("contracts.enter_contract", runs_buyer)
rules.add_perm("contracts.edit_checklist_template", runs_buyer)
rules.add_perm("contracts.record_accreditation", admin_of_buyer)
rules.add_perm("contracts.import_invoices", runs_buyer)
rules.add_perm("contracts.publish_payments_compliance", runs_buyer)

# One contract (object: the contract).
rules.add_perm("contracts.view_contract", buyer_staff_on_contract | works_for_contractor)
rules.add_perm("contracts.manage_contract", runs_contract | manages_contract)
rules.add_perm("contracts.sign_recorded_contract", admin_on_contract)
rules.add_perm("contracts.suspend_contract", admin_on_contract)
rules.add_perm("contracts.terminate_contract", admin_on_contract)
rules.add_perm("contracts.report_kpi", works_for_contractor)
rules.add_perm("contracts.claim_outcome", works_for_contractor)

# Across the platform.
rules.add_perm("contracts.view_capability", rules.is_superuser)
