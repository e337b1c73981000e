"""The marketplace's lifecycles as tables: a framework, a supplier's application to it, a
service listing, and a buyer's project. Every change goes through `check`, called only by the
models' `transition` methods, which the actions in `actions/` call with their audit event.

A framework: coming (announced) -> open for applications -> pending (applications closed, being
checked) -> standstill (decisions sent) -> live (buyers may call off) -> expired. A listing goes
live only when its framework is live (and its supplier's application was admitted)."""

from django.db import models

from levelfield.core.errors import InvalidTransition


class FrameworkStatus(models.TextChoices):
    COMING = "coming", "Coming"
    OPEN = "open", "Open for applications"
    PENDING = "pending", "Pending"
    STANDSTILL = "standstill", "Standstill"
    LIVE = "live", "Live"
    EXPIRED = "expired", "Expired"


F = FrameworkStatus

FRAMEWORK_ALLOWED: dict[str, set[str]] = {
    F.COMING: {F.OPEN},
    F.OPEN: {F.PENDING},
    F.PENDING: {F.STANDSTILL},
    F.STANDSTILL: {F.LIVE},
    F.LIVE: {F.EXPIRED},
    F.EXPIRED: set(),
}

# The timestamp column each state's arrival sets.
FRAMEWORK_MILESTONE: dict[str, str] = {
    F.OPEN: "opened_at",
    F.PENDING: "closed_at",
    F.STANDSTILL: "standstill_at",
    F.LIVE: "live_at",
    F.EXPIRED: "expired_at",
}


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ADMITTED = "admitted", "Admitted to the framework"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


A = ApplicationStatus

APPLICATION_ALLOWED: dict[str, set[str]] = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.ADMITTED, A.REFUSED, A.WITHDRAWN},
    A.ADMITTED: set(),
    A.REFUSED: set(),
    A.WITHDRAWN: set(),
}

APPLICATION_MILESTONE: dict[str, str] = {
    A.SUBMITTED: "submitted_at",
    A.ADMITTED: "decided_at",
    A.REFUSED: "decided_at",
    A.WITHDRAWN: "withdrawn_at",
}


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted, goes live with the framework"
    LIVE = "live", "Live"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired with the framework"


L = ListingStatus

LISTING_ALLOWED: dict[str, set[str]] = {
    L.DRAFT: {L.SUBMITTED, L.WITHDRAWN},
    # Submitted listings go live when the framework does (if the application was admitted), or
    # are withdrawn (a refused application withdraws them).
    L.SUBMITTED: {L.LIVE, L.WITHDRAWN, L.DRAFT},
    L.LIVE: {L.WITHDRAWN, L.EXPIRED},
    L.WITHDRAWN: set(),
    L.EXPIRED: set(),
}

LISTING_MILESTONE: dict[str, str] = {
    L.SUBMITTED: "submitted_at",
    L.LIVE: "live_at",
    L.WITHDRAWN: "withdrawn_at",
    L.EXPIRED: "expired_at",
}


class ProjectStatus(models.TextChoices):
    SEARCHING = "searching", "Searching"
    ENDED = "ended", "Search ended, shortlist frozen"
    AWARDED = "awarded", "Awarded"
    NOT_AWARDED = "not_awarded", "Not awarded"


P = ProjectStatus

PROJECT_ALLOWED: dict[str, set[str]] = {
    P.SEARCHING: {P.ENDED},
    P.ENDED: {P.AWARDED, P.NOT_AWARDED},
    P.AWARDED: set(),
    P.NOT_AWARDED: set(),
}

PROJECT_MILESTONE: dict[str, str] = {
    P.ENDED: "ended_at",
    P.AWARDED: "outcome_at",
    P.NOT_AWARDED: "outcome_at",
}

_TABLES = {
    FrameworkStatus: ("framework", FRAMEWORK_ALLOWED),
    ApplicationStatus: ("application", APPLICATION_ALLOWED),
    ListingStatus: ("listing", LISTING_ALLOWED),
    ProjectStatus: ("project", PROJECT_ALLOWED),
}


def check(statuses: type[models.TextChoices], current: str, target: str) -> None:
    """Refuse a change the table for `statuses` does not allow, saying what and why."""
    noun, allowed = _TABLES[statuses]
    if target not in allowed[current]:
        raise InvalidTransition(
            f"A {noun} that is {statuses(current).label.lower()} cannot become "
            f"{statuses(target).label.lower()}"
        )


def transition(row, statuses: type[models.TextChoices], milestones: dict, target: str, at) -> None:
    """Change `row.status` to `target` if the table allows, and stamp its milestone."""
    check(statuses, row.status, target)
    row.status = target
    if target in milestones:
        setattr(row, milestones[target], at)
