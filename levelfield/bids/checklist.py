"""A bid's checklist: what must be done on one lot's bid before it can be submitted, item by
item (the price, each question's answer within its word limit, the attachments, and each
exclusion declaration the bid relies on). The bid page, the tender's bids page and the API show
it, and `actions.submit_bid` refuses on it: one rule. Each lot's bid has a checklist of its own,
so a problem on one lot never stops another being submitted."""

from dataclasses import dataclass, field
from datetime import datetime

from levelfield.core import clock
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.actions import Standing
from levelfield.suppliers.models import BidDeclaration

from .models import Bid
from .words import count_words


class Kind:
    """What an item is about, which also says where it is put right."""

    PRICE = "price"
    ANSWER = "answer"
    ATTACHMENTS = "attachments"
    DECLARATION = "declaration"

    ALL = (PRICE, ANSWER, ATTACHMENTS, DECLARATION)


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    complete: bool
    status: str
    """Short, for a task list's tag: "Completed", "Not started", "Over the word limit", ..."""
    problem: str = ""
    """Why the bid cannot be submitted because of this item (empty when complete)."""
    hint: str = ""
    """More about the item: the words counted, the files uploaded, whose declaration."""
    question_id: int | None = None
    question_number: int | None = None
    words: int | None = None
    word_limit: int | None = None
    organisation_id: int | None = None
    own_declaration: bool = False
    """For a declaration: the bidder's own, put right on its own supplier profile."""
    role: str = ""
    """For a declaration: bidder, member or subcontractor (suppliers' BidDeclaration.Role)."""
    files: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Checklist:
    bid_id: int
    items: tuple[Item, ...]

    @property
    def complete(self) -> bool:
        return all(item.complete for item in self.items)

    @property
    def problems(self) -> list[str]:
        """Every reason the bid cannot be submitted, in the checklist's order."""
        return [item.problem for item in self.items if not item.complete]

    @property
    def content_problems(self) -> list[str]:
        """The reasons that are about the bid itself (price, answers, attachments), not the
        declarations it relies on."""
        return [
            item.problem
            for item in self.items
            if not item.complete and item.kind != Kind.DECLARATION
        ]

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.complete)


def _price_item(bid) -> Item:
    if bid.price is None:
        return Item(Kind.PRICE, "Price", False, "Not started", problem="Enter your price")
    return Item(Kind.PRICE, "Price", True, "Completed")


def _answer_item(question, text: str) -> Item:
    words = count_words(text)
    limit = question.word_limit
    base = {
        "kind": Kind.ANSWER,
        "title": f"Question {question.number}",
        "question_id": question.pk,
        "question_number": question.number,
        "words": words,
        "word_limit": limit,
    }
    counted = f"{words} of {limit} words" if limit else f"{words} word{'s' if words != 1 else ''}"
    if not text.strip():
        hint = f"Up to {limit} words" if limit else ""
        return Item(
            **base,
            complete=False,
            status="Not started",
            problem=f"Answer question {question.number}",
            hint=hint,
        )
    if limit and words > limit:
        over = words - limit
        return Item(
            **base,
            complete=False,
            status="Over the word limit",
            problem=f"Your answer to question {question.number} is {words} words, over its "
            f"{limit}-word limit: shorten it by {over} word{'s' if over != 1 else ''} "
            "(it is saved as it is)",
            hint=counted,
        )
    return Item(**base, complete=True, status="Completed", hint=counted)


def _attachments_item(bid) -> Item:
    # No tender asks for particular files yet, so the item lists what is uploaded, or says none
    # is, and never stops a submission.
    titles = tuple(a.title for a in bid.attachments.all())
    if not titles:
        return Item(
            Kind.ATTACHMENTS,
            "Attachments",
            True,
            "None uploaded",
            hint="No files uploaded. This lot does not require any.",
        )
    return Item(
        Kind.ATTACHMENTS,
        "Attachments",
        True,
        f"{len(titles)} file{'s' if len(titles) != 1 else ''}",
        hint=", ".join(titles),
        files=titles,
    )


def _declaration_items(bid, at: datetime, standings: list[Standing] | None) -> list[Item]:
    items = []
    if standings is None:
        standings = supplier_actions.exclusion_standings(bid, at)
    for standing in standings:
        associate, problems = standing.associate, standing.problems
        own = associate.role == BidDeclaration.Role.BIDDER
        title = (
            "Your exclusion declaration"
            if own
            else f"Exclusion declaration: {associate.organisation.name} ({associate.label})"
        )
        items.append(
            Item(
                Kind.DECLARATION,
                title,
                not problems,
                "Completed" if not problems else "Cannot submit",
                problem=" ".join(problems),
                hint="Current, with no mandatory exclusion ground" if not problems else "",
                organisation_id=associate.organisation.pk,
                own_declaration=own,
                role=associate.role,
            )
        )
    return items


def bid_checklist(
    bid, at: datetime | None = None, standings: list[Standing] | None = None
) -> Checklist:
    """The checklist of one bid as it stands at `at` (now by default). `standings`: its
    associates' declarations as `supplier_actions.exclusion_standings` read them at `at`, for a
    caller that needs them again (the submission attaches them); read here when not given."""
    at = at or clock.now()
    answers = {a.question_id: a.text for a in bid.answers.all()}
    items = [_price_item(bid)]
    items.extend(_answer_item(q, answers.get(q.pk, "")) for q in bid.lot.questions.all())
    items.append(_attachments_item(bid))
    items.extend(_declaration_items(bid, at, standings))
    return Checklist(bid_id=bid.pk, items=tuple(items))


@dataclass(frozen=True)
class LotBid:
    """One lot of a tender as one supplier stands on it: its bid (None before one is started)
    and, while the bid can change, its checklist."""

    lot: object
    bid: object
    checklist: Checklist | None


def lots_of_tender(organisation, tender, at: datetime | None = None) -> list[LotBid]:
    """Every lot of `tender` with `organisation`'s own bid on it (a consortium's when
    `organisation` is the consortium) and the checklist of each bid that can still change."""
    at = at or clock.now()
    bids = {
        bid.lot_id: bid
        for bid in Bid.objects.for_supplier(organisation)
        .filter(lot__tender=tender, supplier=organisation)
        .select_related("lot__tender", "supplier")
        .prefetch_related("lot__questions", "answers", "attachments")
    }
    result = []
    for lot in tender.lots.order_by("number"):
        bid = bids.get(lot.pk)
        checklist = bid_checklist(bid, at) if bid is not None and bid.is_editable else None
        result.append(LotBid(lot, bid, checklist))
    return result
