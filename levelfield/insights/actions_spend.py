"""Changes to spend matching made by a person: resolving a supplier name."""

from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.errors import InvalidTransition, PermissionDenied

from .models import KnownOrganisation, MatchMethod, SpendLine, SupplierResolution
from .spend_import import next_revision


def can_resolve(user) -> bool:
    """Resolving spend suppliers is for platform admins."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


@transaction.atomic
def resolve_supplier(
    *, by, name_key: str, organisation: KnownOrganisation | None
) -> SupplierResolution:
    """Say which known organisation a supplier name is, or (organisation None) that it is not
    an organisation we know. Kept for later imports, and applied now to every line with that
    name that its Companies House number did not already match."""
    if not can_resolve(by):
        raise PermissionDenied("Only a platform admin can resolve spend suppliers")
    lines = SpendLine.objects.filter(supplier_key=name_key).exclude(
        match=MatchMethod.COMPANIES_HOUSE
    )
    example = lines.values_list("supplier_name", flat=True).first()
    if example is None:
        raise InvalidTransition("No spend line has that supplier name")
    resolution, _ = SupplierResolution.objects.update_or_create(
        name_key=name_key,
        defaults={
            "supplier_name": example,
            "organisation": organisation,
            "resolved_by": by,
            "resolved_at": clock.now(),
        },
    )
    changed = lines.update(
        organisation=organisation,
        match=MatchMethod.PERSON if organisation else MatchMethod.NOT_KNOWN,
        revision=next_revision(),
    )
    if organisation is not None:
        summary = f"Spend supplier {example} matched to {organisation.name}"
    else:
        summary = f"Spend supplier {example} marked as not an organisation we know"
    audit.record(
        action="insights.supplier_resolved",
        obj=resolution,
        actor=by,
        summary=summary,
        name_key=name_key,
        organisation=organisation.identifier if organisation else None,
        lines=changed,
    )
    return resolution
