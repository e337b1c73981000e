"""Bids that are not submitted: draft bids, and submitted bids withdrawn and not submitted again.

Such a bid never reaches the buyer and is never opened. Two things are said about it:
- before the deadline, to its supplier: it is complete and not submitted, or not complete
  (bids/reminders.py, 24 hours and 2 hours before the deadline);
- after the deadline, to the buyer: which suppliers had a complete bid on which lot and did not
  submit it ("complete, not submitted"), so that a bid lost at the last moment (a bidder who
  believed it had submitted) is known. Only the supplier's name and the lot: never the price,
  an answer, a file or when it was last changed, and nothing at all before the deadline.

Whether a bid is complete is decided by one function, `problems_of`, which asks the bid's
checklist (bids/checklist.py), the rule submission itself refuses on.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from levelfield.core import clock
from levelfield.tenders.lifecycle import Status as TenderStatus

from .checklist import bid_checklist
from .models import Bid, BidStatus

NOT_SUBMITTED = (BidStatus.DRAFT, BidStatus.WITHDRAWN)


def problems_of(bid: Bid, at: datetime) -> list[str]:
    """Why `bid` could not be submitted at `at`: every item of its checklist not complete (its
    price, an answer missing or over its word limit, an exclusion declaration); empty when it
    is complete. The one place the reminders and the buyer's list ask."""
    return bid_checklist(bid, at).problems


def _with_checklist_parts(bids: QuerySet[Bid]) -> QuerySet[Bid]:
    return bids.select_related("lot__tender__buyer", "supplier").prefetch_related(
        "lot__questions", "answers", "attachments"
    )


def closing_within(window_end: datetime, *, now: datetime) -> QuerySet[Bid]:
    """Bids not submitted on published tenders whose deadline is after `now` and at or before
    `window_end`, with what their checklists read."""
    return _with_checklist_parts(
        Bid.objects.filter(
            status__in=NOT_SUBMITTED,
            lot__tender__status=TenderStatus.PUBLISHED,
            lot__tender__submission_deadline__gt=now,
            lot__tender__submission_deadline__lte=window_end,
        )
    ).order_by("lot__tender__submission_deadline", "id")


@dataclass(frozen=True)
class LotNotSubmitted:
    lot: object
    suppliers: list[str]
    """The names of the suppliers (consortia by their own names) with a complete bid on the
    lot that was not submitted, in alphabetical order."""


@dataclass(frozen=True)
class CompleteNotSubmitted:
    count: int
    lots: list[LotNotSubmitted]


def complete_not_submitted(tender, organisation) -> CompleteNotSubmitted | None:
    """For the buyer `organisation`, once the submission deadline of its `tender` has passed:
    each lot with the suppliers whose bid on it was complete at the deadline but not submitted.
    None before the deadline (and for another buyer's tender), so nothing about a draft is read
    while bids are sealed. Like `Bid.objects.unsealed_for_buyer`, the filter carries the buyer
    and the deadline itself."""
    if tender.buyer_id != organisation.pk or not tender.bids_unsealed:
        return None
    deadline = tender.submission_deadline
    bids = _with_checklist_parts(
        Bid.objects.filter(
            lot__tender=tender,
            lot__tender__buyer=organisation,
            lot__tender__submission_deadline__lte=clock.now(),
            status__in=NOT_SUBMITTED,
        ).exclude(lot__tender__status=TenderStatus.DRAFT)
    )
    complete = [bid for bid in bids if not problems_of(bid, deadline)]
    lots = [
        LotNotSubmitted(
            lot, sorted((b.supplier.name for b in complete if b.lot_id == lot.pk), key=str.lower)
        )
        for lot in tender.lots.order_by("number")
    ]
    return CompleteNotSubmitted(count=len(complete), lots=lots)
