import rules

from levelfield.accounts.models import Role
from levelfield.accounts.rules import has_role
from levelfield.suppliers.rules import (
    in_bidding_consortium,
    leads_bidding_consortium,
    leads_consortium_organisation,
)
from levelfield.tenders.rules import is_supplier_user


@rules.predicate
def works_for_bidder(user, bid):
    return has_role(user, bid.supplier, Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


# A consortium's bid (its supplier is the consortium's organisation): the people of every member
# that has accepted see and edit it; the lead's people alone submit and withdraw it.
rules.add_perm("bids.view_bid", works_for_bidder | in_bidding_consortium)
rules.add_perm("bids.change_bid", works_for_bidder | in_bidding_consortium)
rules.add_perm("bids.submit_bid", works_for_bidder | leads_bidding_consortium)
# Starting a bid for an organisation: its own people, or for a consortium its lead's people.
rules.add_perm("bids.start_bid", is_supplier_user | leads_consortium_organisation)
