"""Who may do what with living wills, strategic marks and the resilience team role.

The supplier's admins edit and submit its living will, its people read it (draft included);
the buyers (admins and officers) of one of its critical contracts in force and the resilience
team read what it submitted; nobody else. `LivingWill.objects.visible_to` is the same rule as a
queryset."""

import rules

from levelfield.accounts.models import Role
from levelfield.accounts.rules import has_role
from levelfield.contracts.lifecycle import IN_FORCE
from levelfield.core.errors import PermissionDenied

from .models import PlatformRole, PlatformRoleKind
from .models.living_wills import READING_BUYER_ROLES, SUPPLIER_READ_ROLES


@rules.predicate
def is_resilience_team(user):
    if not user or not user.is_authenticated:
        return False
    return (
        PlatformRole.objects.active()
        .filter(user=user, role=PlatformRoleKind.RESILIENCE_TEAM)
        .exists()
    )


def require_team(user, message: str = "This is for the resilience team") -> None:
    """Refuse (`PermissionDenied`) anyone not on the resilience team. Every page, API call and
    action of the team's asks this (or `is_resilience_team`), never `user.has_perm`: Django
    grants a superuser every permission, and a platform admin is not on the team unless given
    the role."""
    if not is_resilience_team(user):
        raise PermissionDenied(message)


@rules.predicate
def is_will_supplier_admin(user, will):
    return will is not None and has_role(user, will.supplier, Role.SUPPLIER_ADMIN)


@rules.predicate
def is_will_supplier_person(user, will):
    return will is not None and has_role(user, will.supplier, *SUPPLIER_READ_ROLES)


@rules.predicate
def has_submitted(user, will):
    return will is not None and will.versions.exists()


@rules.predicate
def is_critical_buyer(user, will):
    """A buyer admin or officer at an authority holding a critical contract in force with the
    will's supplier."""
    if will is None or not user or not user.is_authenticated:
        return False
    from levelfield.accounts.rules import acting_memberships
    from levelfield.contracts.models import Contract

    return Contract.objects.filter(
        supplier=will.supplier_id,
        critical=True,
        status__in=IN_FORCE,
        buyer__in=acting_memberships(user)
        .filter(role__in=READING_BUYER_ROLES)
        .values("organisation"),
    ).exists()


rules.add_perm("resilience.edit_will", is_will_supplier_admin)
rules.add_perm("resilience.view_draft", is_will_supplier_person)
rules.add_perm(
    "resilience.view_will",
    is_will_supplier_person | (has_submitted & (is_resilience_team | is_critical_buyer)),
)
# The platform admin's: the resilience team role and the strategic supplier mark.
rules.add_perm("resilience.manage_platform_roles", rules.is_superuser)
rules.add_perm("resilience.mark_strategic", rules.is_superuser)
