"""Predicates shared by every app's rules: who a user is in an organisation."""

import rules

from .models import Membership, Role


def _role(user, organisation):
    if not user or not user.is_authenticated or organisation is None:
        return None
    cache = user.__dict__.setdefault("_lf_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = (
            Membership.objects.filter(user=user, organisation=organisation)
            .values_list("role", flat=True)
            .first()
        )
    return cache[organisation.pk]


def remember_role(user, organisation, role: str) -> None:
    """Note the user's role in `organisation` already read with its membership (the API's
    authentication), so that the rules asked during the request do not read it again."""
    user.__dict__.setdefault("_lf_roles", {})[organisation.pk] = role


ACTING_FOR = "_lf_acting_for"


def act_for(user, organisation) -> None:
    """Note the organisation `user` acts for in this request (the one chosen in the session, or
    an API token's), so reads of "the user's organisations" (acting_memberships) see it alone:
    a person on two organisations' staff gets nothing of one while acting for the other."""
    # An attribute, not the instance's __dict__: request.user is a lazy wrapper, which passes
    # attributes on to the user it wraps but keeps a __dict__ of its own.
    setattr(user, ACTING_FOR, (organisation.pk if organisation is not None else None,))


def acting_memberships(user):
    """The memberships of `user` that count now: in a request, the one of the organisation they
    act for (act_for); outside one (a task, a command), all of theirs. A queryset."""
    memberships = Membership.objects.filter(user=user)
    acting = getattr(user, ACTING_FOR, None)
    if acting is not None:
        memberships = memberships.filter(organisation_id=acting[0])
    return memberships


def has_role(user, organisation, *roles_) -> bool:
    return _role(user, organisation) in roles_


@rules.predicate
def is_org_admin(user, organisation):
    return has_role(user, organisation, Role.BUYER_ADMIN, Role.SUPPLIER_ADMIN)


rules.add_perm("accounts.invite_member", is_org_admin)


@rules.predicate
def is_buyer_admin_or_officer(user, organisation):
    return has_role(user, organisation, Role.BUYER_ADMIN, Role.BUYER_OFFICER)


# Insights sit below the domain and may not import accounts: they ask for this permission by
# name. A buyer's unit costs (its savings in its own units) are set by its admins and officers,
# not its evaluators.
rules.add_perm("insights.set_unit_cost", is_buyer_admin_or_officer)

# The platform admin's changes to people and organisations (through the admin's actions).
rules.add_perm("accounts.manage_accounts", rules.is_superuser)
