"""Who may do what with a supplier's profile, declarations, certificates and consortia, and the
predicates `bids/rules.py` uses for consortium bids.

A supplier's admins keep its profile, declaration and certificates and run its consortia; all
its people may read them. A consortium's bid is seen and edited by the people of every member
that has accepted; the lead's people alone start, submit and withdraw it."""

import rules

from levelfield.accounts.models import Organisation, Role
from levelfield.accounts.rules import has_role

from . import selectors


@rules.predicate
def is_supplier_admin(user, organisation):
    return isinstance(organisation, Organisation) and has_role(
        user, organisation, Role.SUPPLIER_ADMIN
    )


@rules.predicate
def is_supplier_person(user, organisation):
    return isinstance(organisation, Organisation) and has_role(
        user, organisation, Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER
    )


@rules.predicate
def runs_consortium(user, consortium):
    """An admin of the consortium's lead organisation."""
    return has_role(user, consortium.lead, Role.SUPPLIER_ADMIN)


@rules.predicate
def answers_for_member(user, member):
    """An admin of the organisation a consortium invited."""
    return has_role(user, member.organisation, Role.SUPPLIER_ADMIN)


@rules.predicate
def in_bidding_consortium(user, bid):
    """The bid is a consortium's and the user works for a member that has accepted."""
    if not user or not user.is_authenticated:
        return False
    return selectors.user_in_accepted_member(user, bid.supplier_id)


@rules.predicate
def leads_bidding_consortium(user, bid):
    """The bid is a consortium's and the user works for its lead."""
    if not user or not user.is_authenticated:
        return False
    return selectors.user_in_lead(user, bid.supplier_id)


@rules.predicate
def leads_consortium_organisation(user, organisation):
    """`organisation` is a consortium and the user works for its lead (who may start its bids)."""
    if not user or not user.is_authenticated or not isinstance(organisation, Organisation):
        return False
    return selectors.user_in_lead(user, organisation.pk)


rules.add_perm("suppliers.view_profile", is_supplier_person)
rules.add_perm("suppliers.change_profile", is_supplier_admin)
rules.add_perm("suppliers.declare_exclusions", is_supplier_admin)
rules.add_perm("suppliers.manage_certificates", is_supplier_admin)
rules.add_perm("suppliers.create_consortium", is_supplier_admin)
rules.add_perm("suppliers.manage_consortium", runs_consortium)
rules.add_perm("suppliers.respond_to_consortium", answers_for_member)
# A member's admin may take it out of a consortium (the lead never: leave_consortium refuses).
rules.add_perm("suppliers.leave_consortium", answers_for_member)
