"""Who may record and import suppliers' financial readings and notify their breaches: the
resilience team (the platform role, `rules.is_resilience_team`).

Imported by actions_financial (autodiscovery loads only rules.py)."""

import rules

from .rules import is_resilience_team

rules.add_perm("resilience.record_financial_reading", is_resilience_team)
rules.add_perm("resilience.import_financial_readings", is_resilience_team)
rules.add_perm("resilience.record_breach_notified", is_resilience_team)
rules.add_perm("resilience.add_indicator", is_resilience_team)
rules.add_perm("resilience.view_financial_standing", is_resilience_team)

# Checked with `rules.require_team` (never `user.has_perm`, which lets any superuser in).
