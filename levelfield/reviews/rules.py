"""Who may do what with review cases.

- The review team: people holding the platform role reviewer or review manager (the resilience
  app's `PlatformRole`, granted and ended by a platform admin). Reviewers triage, ask for
  responses, record findings and follow-ups; review managers do that too, and close cases and
  publish outcomes. A platform admin is on the team only when given a role (Django grants a
  superuser every permission, so the team's checks never use `user.has_perm`).
- The raiser: the person who raised the case, and the people of the organisation they raised it
  for; they read the case (never the respondent's documents) and add evidence while it is open.
- A respondent: the admins and officers of a buyer, or the admins of a prime contractor, to whom
  the team addressed a request; they read the case as `selectors.respondent_case` gives it (no
  raiser unless the raiser let the buyer know) and answer their organisation's open request.
- The public: published outcomes only.
"""

import rules

from levelfield.accounts.models import Role
from levelfield.accounts.rules import acting_memberships
from levelfield.core.errors import PermissionDenied
from levelfield.resilience.models import PlatformRole, PlatformRoleKind

TEAM_ROLES = (PlatformRoleKind.REVIEWER, PlatformRoleKind.REVIEW_MANAGER)
RESPONDENT_ROLES = (Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.SUPPLIER_ADMIN)
RAISER_ORG_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


def _holds(user, *kinds) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return PlatformRole.objects.active().filter(user=user, role__in=kinds).exists()


@rules.predicate
def is_review_team(user) -> bool:
    return _holds(user, *TEAM_ROLES)


@rules.predicate
def is_review_manager(user) -> bool:
    return _holds(user, PlatformRoleKind.REVIEW_MANAGER)


def require_team(user, message: str = "This is for the review team") -> None:
    if not is_review_team(user):
        raise PermissionDenied(message)


def require_manager(user, message: str = "Only a review manager can do that") -> None:
    if not is_review_manager(user):
        raise PermissionDenied(message)


def respondent_organisations(user):
    """The ids of the organisations whose requests `user` may read and answer (a queryset)."""
    return acting_memberships(user).filter(role__in=RESPONDENT_ROLES).values("organisation")


def raiser_organisations(user):
    """The ids of the organisations whose cases `user` reads as a raiser (a queryset)."""
    return acting_memberships(user).filter(role__in=RAISER_ORG_ROLES).values("organisation")


@rules.predicate
def is_raiser(user, case) -> bool:
    if case is None or not user or not user.is_authenticated:
        return False
    if case.raised_by_id == user.pk:
        return True
    return (
        case.raiser_organisation_id is not None
        and raiser_organisations(user).filter(organisation=case.raiser_organisation_id).exists()
    )


@rules.predicate
def is_respondent(user, case) -> bool:
    """Someone at an organisation the team has asked about `case`."""
    if case is None or not user or not user.is_authenticated:
        return False
    return case.requests.filter(organisation__in=respondent_organisations(user)).exists()


@rules.predicate
def answers_request(user, request) -> bool:
    """Someone at the organisation `request` (a ResponseRequest) is addressed to."""
    if request is None or not user or not user.is_authenticated:
        return False
    return respondent_organisations(user).filter(organisation=request.organisation_id).exists()


rules.add_perm("reviews.view_case_as_raiser", is_raiser)
rules.add_perm("reviews.add_evidence", is_raiser)
rules.add_perm("reviews.view_case_as_respondent", is_respondent)
rules.add_perm("reviews.respond", answers_request)
