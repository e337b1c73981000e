"""Contract management accreditation, recorded on people by their buyer's admin."""

from datetime import date

from django.db import transaction

from levelfield.accounts.models import BUYER_ROLES, Membership
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError
from levelfield.core.permissions import require

from ..models import Accreditation, AccreditationLevel


@transaction.atomic
def record_accreditation(
    *, organisation, person, by, level: int, reference: str = "", awarded_on: date | None = None
) -> Accreditation:
    """Record (or replace) the accreditation level of one of the buyer's people. One per
    person: a new level replaces the old."""
    require(
        by,
        "contracts.record_accreditation",
        organisation,
        "Only the buyer's admins can record accreditation",
    )
    if not Membership.objects.filter(
        user=person, organisation=organisation, role__in=BUYER_ROLES
    ).exists():
        raise DomainError(f"{person} is not one of {organisation}'s people", code="not_found")
    if level not in AccreditationLevel.values:
        raise DomainError("Choose the accreditation level", code="validation_error")
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise DomainError("The reference must be 100 characters or fewer", code="validation_error")
    if awarded_on and awarded_on > clock.today_uk():
        raise DomainError("The date awarded must be today or in the past", code="validation_error")
    before = Accreditation.objects.filter(user=person).values_list("level", flat=True).first()
    accreditation, _ = Accreditation.objects.update_or_create(
        user=person,
        defaults={
            "level": level,
            "reference": reference,
            "awarded_on": awarded_on,
            "recorded_by": by,
            "recorded_at": clock.now(),
        },
    )
    audit.record(
        action="contracts.accreditation_recorded",
        obj=accreditation,
        actor=by,
        organisation=organisation,
        summary=f"{person}: {AccreditationLevel(level).label}",
        person=person.pk,
        level=level,
        before=before,
    )
    return accreditation
