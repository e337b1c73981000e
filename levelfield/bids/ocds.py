"""Bid statistics for OCDS (bid extension): counts only, published once bids are open. One set
per lot (`relatedLot`), and one for the whole tender (no `relatedLot`) when it has several lots.
The counts are those the buyer sees (bids/statistics.py)."""

from levelfield.core import clock
from levelfield.core.ocds import ocds_datetime

from .statistics import BidCounts, published

# bids and smeBids are codes of the bid extension's statistic codelist; vcseBids and
# consortiumBids extend that open codelist in the same style.
MEASURES = (
    ("bids", "bids"),
    ("smeBids", "sme_bids"),
    ("vcseBids", "vcse_bids"),
    ("consortiumBids", "consortium_bids"),
)


def statistics(tender) -> list[dict]:
    counts = published(tender)
    if counts is None:
        return []
    at = ocds_datetime(tender.submission_deadline or clock.now())

    def rows(prefix: str, numbers: BidCounts, lot: str | None) -> list[dict]:
        return [
            {
                "id": f"{prefix}-{measure}",
                "measure": measure,
                "value": getattr(numbers, field),
                "date": at,
                **({"relatedLot": lot} if lot else {}),
            }
            for measure, field in MEASURES
        ]

    release_rows = []
    for row in counts.lots:
        release_rows += rows(str(row.lot.number), row.counts, str(row.lot.number))
    if len(counts.lots) > 1:
        release_rows += rows("all", counts.total, None)
    return release_rows
