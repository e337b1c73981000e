"""A supplier's reads of its own bids. Every query starts from `Bid.objects.for_supplier`, so
another organisation's bid is never found (the page gives 404)."""

from django.db.models import Prefetch, QuerySet

from levelfield.tenders.models import Lot, Tender

from .models import Bid, BidAnswer, BidReceipt, BidUpload


def bids_of(organisation) -> QuerySet[Bid]:
    """The supplier's bids for its dashboard (its consortia's too), newest activity first."""
    return (
        Bid.objects.for_supplier(organisation)
        .select_related("lot__tender__buyer", "supplier")
        .order_by("-updated_at", "-id")
    )


def bids_with_summaries(organisation) -> QuerySet[Bid]:
    """The supplier's bids that were given an assessment summary at award, newest first. The
    summary is `bid.assessment_summary` (contracts app)."""
    return (
        Bid.objects.for_supplier(organisation)
        .filter(assessment_summary__isnull=False)
        .select_related("lot__tender__buyer", "assessment_summary")
        .order_by("-assessment_summary__created_at", "-id")
    )


def biddable_lot(lot_id: int) -> Lot | None:
    """A lot of a published (public) tender, with its questions; never a draft's lot."""
    return (
        Lot.objects.filter(pk=lot_id, tender__in=Tender.objects.public())
        .select_related("tender__buyer")
        .prefetch_related("questions")
        .first()
    )


def bid_on_lot(organisation, lot: Lot) -> Bid | None:
    """The supplier's bid on the lot with what the bid page shows, or None. Its own bid: a
    consortium it belongs to has a bid of its own (`organisation` is then the consortium)."""
    return (
        Bid.objects.for_supplier(organisation)
        .filter(lot=lot, supplier=organisation)
        .select_related("lot__tender__buyer", "assessment_summary")
        .prefetch_related(
            Prefetch("answers", queryset=BidAnswer.objects.select_related("question")),
            "attachments",
            Prefetch("receipts", queryset=BidReceipt.objects.select_related("by")),
        )
        .first()
    )


def bid_of(organisation, bid_id: int) -> Bid | None:
    return (
        Bid.objects.for_supplier(organisation)
        .filter(pk=bid_id)
        .select_related("lot__tender__buyer")
        .first()
    )


def receipts_of(bid: Bid) -> QuerySet[BidReceipt]:
    return bid.receipts.select_related("by").order_by("-at", "-id")


def upload_of(bid, token: str, user):
    """The resumable upload `token` of `bid`, begun by `user`; None for anyone else's, so that
    another person (or organisation) is answered 404."""
    return (
        BidUpload.objects.filter(bid=bid, token=token, created_by=user)
        .select_related("bid__lot__tender", "bid__supplier")
        .first()
    )


def uploads_in_progress(bid, user) -> list:
    """The person's unfinished resumable uploads to the bid, for its page."""
    return list(BidUpload.objects.filter(bid=bid, created_by=user))
