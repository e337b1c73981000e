from .models import BUYER_ROLES, Membership, Organisation, Role
from .rules import remember_role

SESSION_KEY = "organisation_id"


def memberships_of(user):
    if not user or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def current_membership(request, memberships: list[Membership] | None = None) -> Membership | None:
    """The membership the user acts through: the one chosen in the session, else the first.
    `memberships`: the user's, already read (request_memberships)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return None
    if memberships is None:
        memberships = request_memberships(user)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0] if memberships else None


def request_memberships(user) -> list[Membership]:
    """Every membership of `user` with its organisation, read once for a request: each role is
    remembered for the rules asked later in the same request (accounts.rules), so a signed-in
    page does not read the person's role again for each check."""
    memberships = list(memberships_of(user))
    for membership in memberships:
        remember_role(user, membership.organisation, membership.role)
    return memberships


def membership_for_user(user) -> Membership | None:
    """For API clients: the user's first membership."""
    return memberships_of(user).order_by("id").first()


def role_of(user, organisation: Organisation | None) -> str | None:
    if not user or not user.is_authenticated or organisation is None:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def is_buyer_staff(user, organisation) -> bool:
    return role_of(user, organisation) in BUYER_ROLES


def evaluators_of(organisation):
    return Membership.objects.filter(
        organisation=organisation, role__in=[Role.EVALUATOR, Role.BUYER_ADMIN, Role.BUYER_OFFICER]
    ).select_related("user")
