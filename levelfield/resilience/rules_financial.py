"""Who may record and import suppliers' financial readings and notify their breaches: the
resilience team. Until the platform's resilience team role lands, that is the platform admin
only; `is_resilience_team` is the one predicate to extend with the role.

Imported by actions_financial (autodiscovery loads only rules.py)."""

import rules


@rules.predicate
def is_resilience_team(user, obj=None):
    return bool(getattr(user, "is_superuser", False) and user.is_active)


rules.add_perm("resilience.record_financial_reading", is_resilience_team)
rules.add_perm("resilience.import_financial_readings", is_resilience_team)
rules.add_perm("resilience.record_breach_notified", is_resilience_team)
rules.add_perm("resilience.add_indicator", is_resilience_team)
rules.add_perm("resilience.view_financial_standing", is_resilience_team)
