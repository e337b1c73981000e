"""A case's history from the audit trail, as each viewer may read it.

The team reads every event with who did it. A respondent reads the events of the case's steps
that concern it, with the actor named only when it is the review team, the system or the
respondent's own organisation: the raiser's steps read "The supplier who raised the case" (or
are left out: evidence added), so the audit view never names an anonymous raiser."""

from dataclasses import dataclass
from datetime import datetime

from levelfield.core.audit import events_for
from levelfield.core.audit_words import event_words

from .models import Case

# What a respondent sees of the trail: the steps, not the raiser's own additions.
RESPONDENT_ACTIONS = {
    "review.raised",
    "review.accepted",
    "review.response_requested",
    "review.responded",
    "review.findings_recorded",
    "review.followed_up",
    "review.closed",
    "review.published",
}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    what: str


def team_history(case: Case) -> list[HistoryRow]:
    return [
        HistoryRow(
            at=e.at, who=str(e.actor) if e.actor else "levelfield", what=event_words(e.action)
        )
        for e in events_for(case)
    ]


def respondent_history(case: Case, organisation_ids: set[int]) -> list[HistoryRow]:
    rows = []
    for event in events_for(case):
        if event.action not in RESPONDENT_ACTIONS:
            continue
        if event.action == "review.raised":
            who = (
                str(event.actor)
                if case.buyer_may_know and event.actor
                else "The supplier who raised the case"
            )
        elif event.actor is None:
            who = "levelfield"
        elif event.organisation_id in organisation_ids:
            who = str(event.actor)
        elif event.action == "review.responded":
            who = "Another organisation asked"
        else:
            who = "The review team"
        rows.append(HistoryRow(at=event.at, who=who, what=event_words(event.action)))
    return rows
