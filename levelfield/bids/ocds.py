"""Bid statistics per lot for OCDS (bid extension): counts only, published once bids are open."""

from levelfield.core import clock
from levelfield.core.ocds import ocds_datetime

from .models import Bid
from .statistics import consortium_ids


def statistics(tender) -> list[dict]:
    if not tender.bids_unsealed:
        return []
    bids = list(
        Bid.objects.unsealed()
        .filter(lot__tender=tender)
        .select_related("lot", "supplier__supplier_profile")
    )
    at = ocds_datetime(tender.submission_deadline or clock.now())
    consortia = consortium_ids(b.supplier_id for b in bids)
    rows = []
    for lot in tender.lots.all():
        lot_bids = [b for b in bids if b.lot_id == lot.pk]
        profiles = [getattr(b.supplier, "supplier_profile", None) for b in lot_bids]
        counts = {
            "bids": len(lot_bids),
            "smeBids": sum(1 for p in profiles if p is not None and p.is_sme),
            "vcseBids": sum(1 for p in profiles if p is not None and p.is_vcse),
            "consortiumBids": sum(1 for b in lot_bids if b.supplier_id in consortia),
        }
        for measure, value in counts.items():
            rows.append(
                {
                    "id": f"{lot.number}-{measure}",
                    "measure": measure,
                    "value": value,
                    "date": at,
                    "relatedLot": str(lot.number),
                }
            )
    return rows
