"""Saving a failure scenario (the resilience team only), audited."""

from datetime import date

from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_date

from .models import Scenario
from .rules import require_team
from .selectors_scenarios import checked_suppliers


@transaction.atomic
def create_scenario(*, name: str, supplier_ids, as_of: date, by) -> Scenario:
    """Save a scenario: `supplier_ids` (registered suppliers) failing on `as_of`. Refused with
    every problem named (`selectors_scenarios.InvalidScenario`)."""
    require_team(by, "Only the resilience team can run failure scenarios")
    suppliers = checked_suppliers(supplier_ids=supplier_ids, as_of=as_of, name=name)
    scenario = Scenario.objects.create(
        name=name.strip(), as_of=as_of, created_by=by, created_at=clock.now()
    )
    scenario.suppliers.set(suppliers)
    audit.record(
        action="resilience.scenario_created",
        obj=scenario,
        actor=by,
        summary=f"Scenario {scenario.pk} saved: {len(suppliers)} suppliers failing on "
        f"{uk_date(as_of)}",
        suppliers=[s.pk for s in suppliers],
        as_of=as_of.isoformat(),
    )
    return scenario
