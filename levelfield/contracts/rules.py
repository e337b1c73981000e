import rules

from levelfield.accounts.models import Role
from levelfield.accounts.rules import has_role


@rules.predicate
def is_buyer_admin(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN)


@rules.predicate
def runs_tender(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN, Role.BUYER_OFFICER)


rules.add_perm("contracts.confirm_award", is_buyer_admin)
rules.add_perm("contracts.publish_award_notice", runs_tender)
rules.add_perm("contracts.record_contract", runs_tender)
rules.add_perm("contracts.sign_contract", is_buyer_admin)
