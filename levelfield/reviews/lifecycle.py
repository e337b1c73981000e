"""A review case's lifecycle as a table.

raised -> accepted (or rejected, with a reason sent to the raiser) -> the buyer asked for a
response by a date -> responded (asked again if need be) -> findings and recommendations
recorded -> followed up -> closed with an outcome. A case accepted may be closed at once (a late
invoice paid as soon as the case was raised). Every change goes through `check_transition`,
called only by `Case.transition`, which the actions in `actions/` call with their audit event.
"""

from django.db import models

from levelfield.core.errors import InvalidTransition


class CaseStatus(models.TextChoices):
    RAISED = "raised", "Raised, awaiting triage"
    ACCEPTED = "accepted", "Accepted"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting the buyer's response"
    RESPONDED = "responded", "Buyer responded"
    FINDINGS = "findings", "Findings and recommendations recorded"
    FOLLOWING_UP = "following_up", "Following up"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected"


S = CaseStatus

ALLOWED: dict[str, set[str]] = {
    S.RAISED: {S.ACCEPTED, S.REJECTED},
    S.ACCEPTED: {S.AWAITING_RESPONSE, S.FINDINGS, S.CLOSED},
    # The team may record findings without a response once the buyer has let the date pass.
    S.AWAITING_RESPONSE: {S.RESPONDED, S.FINDINGS},
    S.RESPONDED: {S.AWAITING_RESPONSE, S.FINDINGS, S.CLOSED},
    S.FINDINGS: {S.AWAITING_RESPONSE, S.FOLLOWING_UP, S.CLOSED},
    S.FOLLOWING_UP: {S.AWAITING_RESPONSE, S.CLOSED},
    S.CLOSED: set(),
    S.REJECTED: set(),
}

# The timestamp column each state's arrival sets (the first arrival; later ones keep it).
MILESTONE: dict[str, str] = {
    S.ACCEPTED: "accepted_at",
    S.REJECTED: "rejected_at",
    S.FINDINGS: "findings_at",
    S.CLOSED: "closed_at",
}

# Accepted and not yet closed: the target clock runs, the buyer may be asked.
OPEN = frozenset({S.ACCEPTED, S.AWAITING_RESPONSE, S.RESPONDED, S.FINDINGS, S.FOLLOWING_UP})
# The team still has something to do (triage included).
ACTIVE = OPEN | {S.RAISED}
ENDED = frozenset({S.CLOSED, S.REJECTED})
# Where the buyer may be asked for a response.
MAY_ASK = frozenset(s for s in OPEN if S.AWAITING_RESPONSE in ALLOWED[s])


def check_transition(current: str, target: str) -> None:
    if target not in ALLOWED[current]:
        raise InvalidTransition(
            f"A case that is {CaseStatus(current).label.lower()} cannot become "
            f"{CaseStatus(target).label.lower()}"
        )
