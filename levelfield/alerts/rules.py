"""Who may keep saved searches: people of a supplier organisation, each for themselves."""

import rules

from levelfield.accounts.models import SUPPLIER_ROLES, Organisation
from levelfield.accounts.rules import has_role


@rules.predicate
def is_supplier_user(user, organisation):
    return isinstance(organisation, Organisation) and has_role(user, organisation, *SUPPLIER_ROLES)


@rules.predicate
def owns_search(user, saved_search):
    return bool(user and user.is_authenticated and saved_search.user_id == user.pk)


rules.add_perm("alerts.save_search", is_supplier_user)
rules.add_perm("alerts.delete_search", owns_search)
