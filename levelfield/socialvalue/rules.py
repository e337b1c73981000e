"""Who may do what with social value. Buyer admins and officers pick outcomes, import their
measurement framework and review reports; any buyer staff may look; the winning supplier's people
report what they delivered."""

import rules

from levelfield.accounts.models import Organisation, Role
from levelfield.accounts.rules import has_role

BUYER_RUNS = (Role.BUYER_ADMIN, Role.BUYER_OFFICER)
BUYER_STAFF = (Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR)
SUPPLIER_PEOPLE = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


@rules.predicate
def runs_buyer(user, organisation):
    return isinstance(organisation, Organisation) and has_role(user, organisation, *BUYER_RUNS)


@rules.predicate
def is_buyer_staff(user, organisation):
    return isinstance(organisation, Organisation) and has_role(user, organisation, *BUYER_STAFF)


@rules.predicate
def runs_contract(user, contract):
    return has_role(user, contract.buyer, *BUYER_RUNS)


@rules.predicate
def buyer_staff_on_contract(user, contract):
    return has_role(user, contract.buyer, *BUYER_STAFF)


@rules.predicate
def works_for_contractor(user, contract):
    return has_role(user, contract.supplier, *SUPPLIER_PEOPLE)


rules.add_perm("socialvalue.manage_frameworks", runs_buyer)
rules.add_perm("socialvalue.view_portfolio", is_buyer_staff)
rules.add_perm("socialvalue.view_contract", buyer_staff_on_contract | works_for_contractor)
rules.add_perm("socialvalue.report_delivery", works_for_contractor)
rules.add_perm("socialvalue.review_report", runs_contract)
