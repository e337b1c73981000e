"""Who may run, save and read failure scenarios: the resilience team (the platform role,
`rules.is_resilience_team`). A scenario names suppliers and reads their living wills, so nobody
else sees one, not even the suppliers it names.

Imported by actions_scenarios and selectors_scenarios (autodiscovery loads only rules.py)."""

import rules

from .rules import is_resilience_team

rules.add_perm("resilience.run_scenarios", is_resilience_team)

# Checked with `rules.require_team` (never `user.has_perm`, which lets any superuser in).
