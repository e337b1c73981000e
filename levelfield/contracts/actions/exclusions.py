"""The buyer's s.57 decision on each exclusion finding before the award.

Procurement Act 2023 s.57: the authority considers whether a supplier (or an associated person it
relies on, s.26) is an excluded or excludable supplier; s.26(1): a tender from an excluded
supplier is disregarded; s.26(2): an excludable one's may be. Every finding the exclusion checks
flag (a ground applies, the organisation declared again since submission, or it joined the
consortium later) needs a decision with reasons before the award can be confirmed.
"""

from dataclasses import dataclass

from django.db import transaction

from levelfield.accounts.models import Organisation
from levelfield.bids.models import Bid
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.permissions import require
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.suppliers.selectors import ExclusionCheck
from levelfield.tenders.lifecycle import Status as TenderStatus

from ..models import ExclusionDecision

REASONS_REQUIRED = "Give the reasons for your decision"


@dataclass(frozen=True)
class Finding:
    """A flagged exclusion check and the buyer's decision on it, if any still stands."""

    bid: Bid
    check: ExclusionCheck
    decision: ExclusionDecision | None

    @property
    def decided(self) -> bool:
        return self.decision is not None


def findings(bids: list[Bid]) -> list[Finding]:
    """Every check that needs attention for these (already opened) bids, with its decision. A
    decision made before the organisation declared again no longer stands: the new declaration
    must be weighed."""
    checks = supplier_selectors.exclusion_checks(bids)
    decisions = {
        (d.bid_id, d.organisation_id): d
        for d in ExclusionDecision.objects.filter(bid__in=bids).select_related("decided_by")
    }
    result = []
    for bid in bids:
        for check in checks[bid.pk]:
            if not check.needs_attention:
                continue
            decision = decisions.get((bid.pk, check.organisation.pk))
            if (
                decision is not None
                and check.newer_declared_at is not None
                and decision.decided_at < check.newer_declared_at
            ):
                decision = None
            result.append(Finding(bid=bid, check=check, decision=decision))
    return result


def undecided_message(open_findings: list[Finding]) -> str:
    names = ", ".join(
        f"{f.check.organisation.name} ({f.bid.supplier.name}, lot {f.bid.lot.number})"
        for f in open_findings[:5]
    )
    return (
        f"Decide every exclusion finding before you confirm the award (s.57): "
        f"{len(open_findings)} still undecided: {names}"
    )


@transaction.atomic
def decide_exclusion(
    *, bid: Bid, organisation: Organisation, exclude: bool, reasons: str, by
) -> ExclusionDecision:
    """Record (or replace, until the award) the buyer's decision whether the organisation's
    grounds exclude the bid, with reasons."""
    tender = bid.lot.tender
    require(by, "contracts.confirm_award", tender, "Only a buyer admin can decide on exclusion")
    if tender.status != TenderStatus.EVALUATION:
        raise InvalidTransition("Exclusion is decided during evaluation, before the award")
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError(REASONS_REQUIRED, code="validation_error")
    if len(reasons) > 5000:
        raise DomainError("Reasons must be 5,000 characters or fewer", code="validation_error")
    flagged = {f.check.organisation.pk for f in findings([bid])}
    if organisation.pk not in flagged:
        raise DomainError(
            "No exclusion finding needs a decision for this organisation on this bid",
            code="not_flagged",
        )
    decision, _ = ExclusionDecision.objects.update_or_create(
        bid=bid,
        organisation=organisation,
        defaults={
            "exclude": bool(exclude),
            "reasons": reasons,
            "decided_by": by,
            "decided_at": clock.now(),
        },
    )
    audit.record(
        action="exclusion.decided",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        bid=bid.pk,
        supplier=organisation.name,
        exclude=bool(exclude),
        reasons=reasons,
    )
    return decision
