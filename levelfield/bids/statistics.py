"""Bid statistics per tender and lot: how many bids, and how many from SMEs, VCSEs and consortia.

Counts only, never who bid, and only once the bids are unsealed: the buyer's numbers start from
`Bid.objects.unsealed_for_buyer`, so before the submission deadline there is nothing to count.
The same counts are published with the award notice (bids/ocds.py) and, from then on, shown on
the public opportunity page (`published`).
"""

from dataclasses import dataclass

from levelfield.suppliers.selectors import consortium_organisation_ids
from levelfield.tenders.models import Lot

from .models import Bid


@dataclass(frozen=True)
class BidCounts:
    bids: int = 0
    sme_bids: int = 0
    vcse_bids: int = 0
    consortium_bids: int = 0


@dataclass(frozen=True)
class LotStatistics:
    lot: Lot
    counts: BidCounts


@dataclass(frozen=True)
class TenderStatistics:
    total: BidCounts
    lots: list[LotStatistics]


def consortium_ids(organisation_ids) -> set[int]:
    """Which of these supplier organisations are consortia bidding as one."""
    ids = set(organisation_ids)
    return consortium_organisation_ids(ids) if ids else set()


def count(bids, consortia: set[int]) -> BidCounts:
    """Count `bids`, each as an SME's or a VCSE's as its bidder's profile said when it
    submitted (Bid.by_sme, Bid.by_vcse). A consortium has no supplier profile of its own, so
    it counts as a consortium bid, not as an SME or VCSE bid."""
    return BidCounts(
        bids=len(bids),
        sme_bids=sum(1 for b in bids if b.by_sme),
        vcse_bids=sum(1 for b in bids if b.by_vcse),
        consortium_bids=sum(1 for b in bids if b.supplier_id in consortia),
    )


def per_lot(tender, bids) -> TenderStatistics:
    """Counts for the whole tender and for each of its lots (a lot with no bids shows zeros)."""
    bids = list(bids)
    consortia = consortium_ids(b.supplier_id for b in bids)
    lots = [
        LotStatistics(lot, count([b for b in bids if b.lot_id == lot.pk], consortia))
        for lot in tender.lots.all()
    ]
    return TenderStatistics(total=count(bids, consortia), lots=lots)


def for_buyer(tender, organisation) -> TenderStatistics | None:
    """The statistics the buyer sees on its tender pages; None while the bids are sealed."""
    if not tender.bids_unsealed:
        return None
    # Counts by size and kind of supplier: who bid, not what (nothing sealed is read).
    bids = Bid.objects.received_for_buyer(organisation).filter(lot__tender=tender)
    return per_lot(tender, bids)


def published(tender) -> TenderStatistics | None:
    """The counts published with the contract award notice (bids/ocds.py), for the public
    page: every submitted bid of the tender. None while the bids are sealed. The caller decides
    whether the award notice is out (contracts.selectors.public_awards)."""
    if not tender.bids_unsealed:
        return None
    bids = Bid.objects.received().filter(lot__tender=tender)  # counts: nothing sealed is read
    return per_lot(tender, bids)
