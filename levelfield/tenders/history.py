"""A tender's history as its buyer reads it: what happened to the tender, its lots, questions
and documents, in words (core.audit_words), newest first."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from levelfield.core.audit_words import event_words
from levelfield.core.models import AuditEvent

from .models import Lot, Question, Tender

# The parts of a tender whose events carry `tender` (its reference) in their data.
PARTS = ("tenders.lot", "tenders.question", "tenders.tenderdocument")
# The correspondence app's threads with bidders are part of the procurement's record too, but
# only for those who may read that record (correspondence.view_record: not evaluators, whose
# history would otherwise name each bidder written to and each reply).
CORRESPONDENCE = "correspondence.thread"


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: object
    what: str
    detail: str = ""  # the summary the action wrote, when it wrote one


# Fields whose names do not read as words with the underscores taken out.
FIELD_WORDS = {
    "s54_contract_kind": "kind of contract (s.54 threshold)",
    "s54_planned_notice_published_on": "planned procurement notice date",
    "s54_urgency_reason": "urgency reason",
    "s54_short_period_reason": "reason for a short tendering period",
}


def _what(event: AuditEvent) -> str:
    words = event_words(event.action)
    data = event.data or {}
    where = []
    if data.get("lot") is not None:
        where.append(f"lot {data['lot']}")
    if data.get("question") is not None:
        where.append(f"question {data['question']}")
    if where:
        words += f" ({', '.join(where)})"
    if event.action.endswith("updated") and data.get("fields"):
        words += ": " + ", ".join(
            FIELD_WORDS.get(str(f), str(f).replace("_", " ")) for f in data["fields"]
        )
    return words


def tender_history(
    tender: Tender, limit: int = 100, *, with_correspondence: bool = False
) -> list[HistoryRow]:
    """Events about the tender and about its lots, questions and documents (found by the
    tender's reference in their data, so a removed lot's events stay; or by the ids of the
    lots and questions it has, for events recorded before they carried the reference), and
    with `with_correspondence` (for those who may read the correspondence record) its threads
    with bidders."""
    parts = (*PARTS, CORRESPONDENCE) if with_correspondence else PARTS
    lot_ids = [str(pk) for pk in Lot.objects.filter(tender=tender).values_list("pk", flat=True)]
    question_ids = [
        str(pk) for pk in Question.objects.filter(lot__tender=tender).values_list("pk", flat=True)
    ]
    events = (
        AuditEvent.objects.unsealed()
        .filter(
            Q(object_type=tender._meta.label_lower, object_id=str(tender.pk))
            | Q(object_type__in=parts, data__tender=tender.reference)
            | Q(object_type="tenders.lot", object_id__in=lot_ids)
            | Q(object_type="tenders.question", object_id__in=question_ids)
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    return [HistoryRow(at=e.at, actor=e.actor, what=_what(e), detail=e.summary) for e in events]
