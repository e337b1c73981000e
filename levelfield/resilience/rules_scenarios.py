"""Who may run, save and read failure scenarios: the resilience team (the platform role,
`rules.is_resilience_team`). A scenario names suppliers and reads their living wills, so nobody
else sees one, not even the suppliers it names.

Imported by actions_scenarios and selectors_scenarios (autodiscovery loads only rules.py)."""

import rules

from .rules import is_resilience_team

rules.add_perm("resilience.run_scenarios", is_resilience_team)


def may_run_scenarios(user) -> bool:
    """Whether `user` is on the resilience team. Asked of `rules` itself, not `user.has_perm`,
    which grants a platform admin (a superuser) every permission asked without an object."""
    return rules.has_perm("resilience.run_scenarios", user)
