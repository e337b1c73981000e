"""Reads of correspondence. Every read starts from `Thread.objects.for_buyer` or
`Thread.objects.for_supplier` of the organisation the person acts for, and then the rules say
whether this person may read it: another buyer's or another bidder's thread is never found."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from levelfield.accounts.models import Organisation
from levelfield.bids.models import Bid
from levelfield.tenders.models import Tender

from .models import Message, Side, Thread


def bidders_of(tender: Tender) -> QuerySet[Organisation]:
    """The organisations a buyer may write to about `tender`: those whose submitted bid was
    received by the deadline (from the buyer's scope of bids received, so none before it)."""
    bids = Bid.objects.received_for_buyer(tender.buyer).filter(lot__tender=tender)
    return Organisation.objects.filter(pk__in=bids.values("supplier_id")).order_by("name", "pk")


def _with_unread(threads: QuerySet[Thread], side: str) -> QuerySet[Thread]:
    """Each thread with `unread`: messages from the other side that `side` has not read."""
    unread = (
        Message.objects.filter(thread=OuterRef("pk"))
        .exclude(side=side)
        .exclude(receipts__side=side)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return threads.annotate(
        unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        message_count=Count("messages", distinct=True),
    )


def threads_of_tender(tender: Tender) -> QuerySet[Thread]:
    """The buyer's threads on one of its tenders, newest message first, with its unread
    counts."""
    threads = Thread.objects.for_buyer(tender.buyer).filter(tender=tender)
    return _with_unread(threads.select_related("supplier", "tender"), Side.BUYER).order_by(
        "-last_message_at", "-id"
    )


def threads_of_supplier(organisation: Organisation) -> QuerySet[Thread]:
    """A supplier's threads across tenders (its consortia's too), newest message first."""
    threads = Thread.objects.for_supplier(organisation).select_related("tender__buyer", "supplier")
    return _with_unread(threads, Side.BIDDER).order_by("-last_message_at", "-id")


def unread_for_buyer(tender: Tender) -> int:
    """Messages from bidders on `tender` that no one on the buyer's side has read yet."""
    return (
        Message.objects.filter(thread__tender=tender, side=Side.BIDDER)
        .exclude(receipts__side=Side.BUYER)
        .count()
    )


def thread_for(organisation: Organisation | None, pk: int) -> Thread | None:
    """A thread of a buyer's tenders or with a supplier, as `organisation` may find it."""
    if organisation is None:
        return None
    if organisation.is_buyer:
        threads = Thread.objects.for_buyer(organisation)
    else:
        threads = Thread.objects.for_supplier(organisation)
    return threads.select_related("tender__buyer", "supplier", "started_by").filter(pk=pk).first()


def side_of(user, thread: Thread) -> str | None:
    """Which side `user` reads `thread` from, or None for anyone else."""
    if user.has_perm("correspondence.view_record", thread.tender):
        return Side.BUYER
    if user.has_perm("correspondence.view_thread", thread):
        return Side.BIDDER
    return None


def messages_of(thread: Thread) -> QuerySet[Message]:
    return (
        Message.objects.filter(thread=thread)
        .select_related("author", "organisation")
        .prefetch_related("attachments", "receipts__read_by")
        .order_by("sent_at", "id")
    )


def record_of(tender: Tender) -> QuerySet[Thread]:
    """Every thread of a tender with all its messages, oldest first: the record the buyer
    keeps (and prints)."""
    return (
        Thread.objects.for_buyer(tender.buyer)
        .filter(tender=tender)
        .select_related("supplier", "started_by")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author", "organisation")
                .prefetch_related("attachments", "receipts__read_by")
                .order_by("sent_at", "id"),
            )
        )
        .order_by("started_at", "id")
    )
