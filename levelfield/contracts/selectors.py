from levelfield.tenders.lifecycle import Status as TenderStatus

from .models import AwardDecision

PUBLISHED_AWARD_STATES = {TenderStatus.STANDSTILL, TenderStatus.CONTRACT_SIGNED}


def public_awards(tender) -> list[AwardDecision]:
    """Awards the public may see: from the contract award notice (standstill) on. Before it the
    decision is known only to the buyer and the bidders."""
    if tender.status not in PUBLISHED_AWARD_STATES:
        return []
    return list(
        AwardDecision.objects.filter(lot__tender=tender, winning_bid__isnull=False)
        .select_related("lot", "winning_bid__supplier", "contract")
        .order_by("lot__number")
    )
