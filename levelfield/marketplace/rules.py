"""Who may do what in the catalogue marketplace. Every part (frameworks, listings, buying,
reports) asks these predicates; the `require_*` functions raise `core.errors.PermissionDenied`
with a message a person can act on.

- The platform admin (a superuser) creates and runs frameworks and decides applications.
- A supplier's admin applies to a framework, declares, and lists, changes and withdraws its
  services; a supplier member reads its organisation's applications and listings.
- A buyer's admins and officers use the catalogue: they search, save searches into projects,
  end them (freezing the shortlist) and record the outcome. A buyer's evaluators may search the
  catalogue and read their organisation's projects, read-only (they change nothing).
- Anyone (signed in or not) reads the frameworks and the live catalogue's public pages.
"""

import rules

from levelfield.accounts.models import Membership, Organisation, Role
from levelfield.accounts.rules import has_role
from levelfield.core.errors import PermissionDenied

SUPPLIER_READ_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)
BUYER_STAFF_ROLES = (Role.BUYER_ADMIN, Role.BUYER_OFFICER)
BUYER_READ_ROLES = (Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR)


def _signed_in(user) -> bool:
    return bool(user) and user.is_authenticated and user.is_active


def _of_kind(organisation, kind) -> bool:
    return isinstance(organisation, Organisation) and organisation.kind == kind


@rules.predicate
def is_platform_admin(user) -> bool:
    """The platform admin: runs frameworks and decides suppliers' applications."""
    return _signed_in(user) and user.is_superuser


@rules.predicate
def is_supplier_admin(user, organisation) -> bool:
    """An admin of the supplier `organisation`: applies, declares and lists for it."""
    return (
        _signed_in(user)
        and _of_kind(organisation, Organisation.Kind.SUPPLIER)
        and has_role(user, organisation, Role.SUPPLIER_ADMIN)
    )


@rules.predicate
def is_supplier_member(user, organisation) -> bool:
    """Anyone at the supplier `organisation` (admin or member): reads its applications and
    listings."""
    return (
        _signed_in(user)
        and _of_kind(organisation, Organisation.Kind.SUPPLIER)
        and has_role(user, organisation, *SUPPLIER_READ_ROLES)
    )


@rules.predicate
def is_buyer_staff(user, organisation) -> bool:
    """A buyer admin or officer of `organisation`: runs projects (save, end, award)."""
    return (
        _signed_in(user)
        and _of_kind(organisation, Organisation.Kind.BUYER)
        and has_role(user, organisation, *BUYER_STAFF_ROLES)
    )


@rules.predicate
def is_buyer_reader(user, organisation) -> bool:
    """Anyone on the buyer `organisation`'s staff, evaluators too: searches the catalogue and
    reads the organisation's projects, read-only."""
    return (
        _signed_in(user)
        and _of_kind(organisation, Organisation.Kind.BUYER)
        and has_role(user, organisation, *BUYER_READ_ROLES)
    )


def require_platform_admin(user, message: str = "Only the platform admin can do that") -> None:
    if not is_platform_admin(user):
        raise PermissionDenied(message)


def require_supplier_admin(
    user, organisation, message: str = "Only an admin of the supplier can do that"
) -> None:
    if not is_supplier_admin(user, organisation):
        raise PermissionDenied(message)


def require_supplier_member(
    user, organisation, message: str = "This is for the supplier's own people"
) -> None:
    if not is_supplier_member(user, organisation):
        raise PermissionDenied(message)


def require_buyer_staff(
    user, organisation, message: str = "Only the buyer's admins and officers can do that"
) -> None:
    if not is_buyer_staff(user, organisation):
        raise PermissionDenied(message)


def require_buyer_reader(
    user, organisation, message: str = "This is for the buyer's own staff"
) -> None:
    if not is_buyer_reader(user, organisation):
        raise PermissionDenied(message)


def _organisations(user, kind, roles_):
    """The organisations of `kind` where `user` holds one of `roles_` (a queryset)."""
    if not _signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=kind,
        pk__in=Membership.objects.filter(user=user, role__in=roles_).values("organisation"),
    )


def supplier_organisations(user, *, admin: bool = False):
    """The suppliers `user` belongs to (only those it administers with `admin=True`)."""
    roles_ = (Role.SUPPLIER_ADMIN,) if admin else SUPPLIER_READ_ROLES
    return _organisations(user, Organisation.Kind.SUPPLIER, roles_)


rules.add_perm("marketplace.run_frameworks", is_platform_admin)
rules.add_perm("marketplace.decide_applications", is_platform_admin)
rules.add_perm("marketplace.apply", is_supplier_admin)
rules.add_perm("marketplace.list_services", is_supplier_admin)
rules.add_perm("marketplace.view_supplier_side", is_supplier_member)
rules.add_perm("marketplace.run_projects", is_buyer_staff)
rules.add_perm("marketplace.search_catalogue", is_buyer_reader)
