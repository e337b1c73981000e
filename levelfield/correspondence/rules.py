"""Who takes part in a thread.

Buyer side: the tender's buyer admins and officers (`runs_tender`), who run the procedure and
answer for it. Evaluators do not read correspondence: a clarification is the buyer's to ask
and to weigh, standstill letters may carry a challenge or legal advice, and an evaluator who
declared a conflict must see nothing of a bidder. The officer brings what evaluation needs
(a clarified answer) into moderation.

Bidder side: the bidding organisation's admins and members; for a consortium's bid, the people
of every member that has accepted read the thread (as they see the bid), and the lead's people
alone write in it, as the lead alone submits the bid: a clarification speaks for the bid."""

import rules

from levelfield.accounts.models import Role
from levelfield.accounts.rules import has_role
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders.rules import runs_tender


@rules.predicate
def runs_threads_tender(user, thread):
    return runs_tender(user, thread.tender)


@rules.predicate
def works_for_bidder(user, thread):
    return has_role(user, thread.supplier, Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


@rules.predicate
def in_bidding_consortium(user, thread):
    if not user or not user.is_authenticated:
        return False
    return supplier_selectors.user_in_accepted_member(user, thread.supplier_id)


@rules.predicate
def leads_bidding_consortium(user, thread):
    if not user or not user.is_authenticated:
        return False
    return supplier_selectors.user_in_lead(user, thread.supplier_id)


rules.add_perm("correspondence.start_thread", runs_tender)
rules.add_perm("correspondence.view_record", runs_tender)
rules.add_perm(
    "correspondence.view_thread", runs_threads_tender | works_for_bidder | in_bidding_consortium
)
rules.add_perm(
    "correspondence.send_message",
    runs_threads_tender | works_for_bidder | leads_bidding_consortium,
)
