from .models import BUYER_ROLES, Membership, Organisation, Role

SESSION_KEY = "organisation_id"


def memberships_of(user):
    if not user or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def current_membership(request) -> Membership | None:
    """The membership the user acts through: the one chosen in the session, else the first."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return None
    memberships = list(memberships_of(user))
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0] if memberships else None


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
