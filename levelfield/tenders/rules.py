"""Who may do what to a tender. Buyer admins and officers run the procedure; buyer admins alone
cancel; suppliers ask questions."""

import rules

from levelfield.accounts.models import Organisation, Role
from levelfield.accounts.rules import has_role


@rules.predicate
def runs_tender(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN, Role.BUYER_OFFICER)


@rules.predicate
def is_buyer_admin(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN)


@rules.predicate
def is_buyer_staff(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR)


@rules.predicate
def can_create_for(user, organisation):
    return isinstance(organisation, Organisation) and has_role(
        user, organisation, Role.BUYER_ADMIN, Role.BUYER_OFFICER
    )


@rules.predicate
def is_supplier_user(user, organisation):
    return isinstance(organisation, Organisation) and has_role(
        user, organisation, Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER
    )


rules.add_perm("tenders.create_tender", can_create_for)
rules.add_perm("tenders.change_tender", runs_tender)
rules.add_perm("tenders.publish_tender", runs_tender)
rules.add_perm("tenders.cancel_tender", is_buyer_admin)
rules.add_perm("tenders.answer_clarification", runs_tender)
# Who asked a clarification question is shown only to those who answer it: evaluators (buyer
# staff too) never see it, so no bidder's questions colour the evaluation.
rules.add_perm("tenders.see_clarification_asker", runs_tender)
rules.add_perm("tenders.view_tender_admin", is_buyer_staff)
rules.add_perm("tenders.ask_question", is_supplier_user)
