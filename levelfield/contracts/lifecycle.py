"""The contract lifecycle as a table.

recorded -> signed -> (mobilising ->) live <-> suspended; a live contract expires at its end date,
is completed, or is terminated early. Every change goes through `Contract.transition`, called
only by the action functions in `actions/`, each of which records an audit event.
"""

from django.db import models

from levelfield.core.errors import InvalidTransition


class ContractStatus(models.TextChoices):
    RECORDED = "recorded", "Recorded, awaiting signature"
    SIGNED = "signed", "Signed"
    MOBILISING = "mobilising", "Mobilising"
    LIVE = "live", "Live"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    COMPLETED = "completed", "Completed"


ALLOWED: dict[str, set[str]] = {
    ContractStatus.RECORDED: {ContractStatus.SIGNED},
    ContractStatus.SIGNED: {
        ContractStatus.MOBILISING,
        ContractStatus.LIVE,
        ContractStatus.TERMINATED,
    },
    ContractStatus.MOBILISING: {ContractStatus.LIVE, ContractStatus.TERMINATED},
    ContractStatus.LIVE: {
        ContractStatus.SUSPENDED,
        ContractStatus.EXPIRED,
        ContractStatus.TERMINATED,
        ContractStatus.COMPLETED,
    },
    ContractStatus.SUSPENDED: {ContractStatus.LIVE, ContractStatus.TERMINATED},
    # An expired contract is closed out (final value, last assessment) by completing it.
    ContractStatus.EXPIRED: {ContractStatus.COMPLETED},
    ContractStatus.TERMINATED: set(),
    ContractStatus.COMPLETED: set(),
}

# The timestamp column each state's arrival sets.
MILESTONE: dict[str, str] = {
    ContractStatus.SIGNED: "signed_at",
    ContractStatus.MOBILISING: "mobilising_at",
    ContractStatus.LIVE: "live_at",
    ContractStatus.SUSPENDED: "suspended_at",
    ContractStatus.EXPIRED: "expired_at",
    ContractStatus.TERMINATED: "terminated_at",
    ContractStatus.COMPLETED: "completed_at",
}

# Signed and not yet ended: the supplier delivers, reports and invoices.
IN_FORCE = frozenset(
    {
        ContractStatus.SIGNED,
        ContractStatus.MOBILISING,
        ContractStatus.LIVE,
        ContractStatus.SUSPENDED,
    }
)
ENDED = frozenset({ContractStatus.EXPIRED, ContractStatus.TERMINATED, ContractStatus.COMPLETED})
# What the public register and the open data show: every contract once signed.
PUBLIC = IN_FORCE | ENDED


def check_transition(current: str, target: str) -> None:
    if target not in ALLOWED[current]:
        raise InvalidTransition(
            f"A contract that is {ContractStatus(current).label.lower()} cannot become "
            f"{ContractStatus(target).label.lower()}"
        )
