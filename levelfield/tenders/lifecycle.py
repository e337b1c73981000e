"""The tender lifecycle as a table. `closed` is not a state: it follows from the deadline."""

from django.db import models

from levelfield.core.errors import InvalidTransition


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    EVALUATION = "evaluation", "In evaluation"
    AWARD_DECIDED = "award_decided", "Award decided"
    STANDSTILL = "standstill", "Standstill"
    CONTRACT_SIGNED = "contract_signed", "Contract signed"
    CANCELLED = "cancelled", "Cancelled"


ALLOWED: dict[str, set[str]] = {
    Status.DRAFT: {Status.PUBLISHED, Status.CANCELLED},
    Status.PUBLISHED: {Status.EVALUATION, Status.CANCELLED},
    Status.EVALUATION: {Status.AWARD_DECIDED, Status.CANCELLED},
    Status.AWARD_DECIDED: {Status.STANDSTILL, Status.EVALUATION, Status.CANCELLED},
    Status.STANDSTILL: {Status.CONTRACT_SIGNED, Status.CANCELLED},
    Status.CONTRACT_SIGNED: set(),
    Status.CANCELLED: set(),
}

# The timestamp column each state's arrival sets.
MILESTONE: dict[str, str] = {
    Status.PUBLISHED: "published_at",
    Status.EVALUATION: "evaluation_started_at",
    Status.AWARD_DECIDED: "award_decided_at",
    Status.STANDSTILL: "standstill_started_at",
    Status.CONTRACT_SIGNED: "contract_signed_at",
    Status.CANCELLED: "cancelled_at",
}


def check_transition(current: str, target: str) -> None:
    if target not in ALLOWED[current]:
        raise InvalidTransition(
            f"A tender that is {Status(current).label.lower()} cannot become "
            f"{Status(target).label.lower()}",
        )
