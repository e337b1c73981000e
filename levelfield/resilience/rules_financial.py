"""Who may record and import suppliers' financial readings and notify their breaches: the
resilience team (the platform role, `rules.is_resilience_team`).

Imported by actions_financial (autodiscovery loads only rules.py)."""

import rules

from levelfield.core.errors import PermissionDenied

from .rules import is_resilience_team

rules.add_perm("resilience.record_financial_reading", is_resilience_team)
rules.add_perm("resilience.import_financial_readings", is_resilience_team)
rules.add_perm("resilience.record_breach_notified", is_resilience_team)
rules.add_perm("resilience.add_indicator", is_resilience_team)
rules.add_perm("resilience.view_financial_standing", is_resilience_team)


def require_team(user, perm: str, message: str) -> None:
    """`core.permissions.require` for a permission asked without an object, checked with
    `rules` itself: `User.has_perm` without an object grants a platform admin every permission,
    and these are the team's, not the platform admin's."""
    if user is None or not rules.has_perm(perm, user):
        raise PermissionDenied(message)
