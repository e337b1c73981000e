"""Reads of failure scenarios: the saved ones, the suppliers a scenario may name, and its report.

`scenario_problems` is the one rule for what a scenario names (checked by the action, the
preview and so the API and the pages): a name, one to `MAX_SUPPLIERS` registered suppliers, a
date in the range any contract's dates fall in."""

from datetime import date

from levelfield.accounts.models import Organisation
from levelfield.core.errors import DomainError
from levelfield.tenders.dates import out_of_range

from . import rules_scenarios  # noqa: F401  (registers the permissions)
from .models import Scenario
from .scenarios import ScenarioReport, build_report

MAX_SUPPLIERS = 20
MAX_NAME = 200


class InvalidScenario(DomainError):
    code = "invalid_scenario"
    status = 422


def scenarios():
    """The saved scenarios, newest first, with their suppliers (two queries for any page)."""
    return (
        Scenario.objects.select_related("created_by")
        .prefetch_related("suppliers")
        .order_by("-created_at", "-id")
    )


def chosen_suppliers(supplier_ids) -> tuple[list[Organisation], list[str]]:
    """The supplier organisations named by `supplier_ids`, and what is wrong with the ids."""
    problems = []
    ids = []
    for value in supplier_ids or ():
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{value!r} is not a supplier id")
        elif value not in ids:
            ids.append(value)
    if not ids and not problems:
        problems.append("Choose at least one supplier")
    if len(ids) > MAX_SUPPLIERS:
        problems.append(f"Choose at most {MAX_SUPPLIERS} suppliers")
        return [], problems
    found = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.SUPPLIER)
    }
    unknown = [i for i in ids if i not in found]
    if unknown:
        problems.append(
            "There is no registered supplier with id " + ", ".join(str(i) for i in unknown)
        )
    return [found[i] for i in ids if i in found], problems


def scenario_problems(*, supplier_ids, as_of: date | None, name: str | None = None):
    """The suppliers chosen, and every problem with the scenario in words (empty if none).
    `name` None: a preview, which needs none."""
    suppliers, problems = chosen_suppliers(supplier_ids)
    if name is not None:
        name = name.strip()
        if not name:
            problems.append("Enter a name for the scenario")
        elif len(name) > MAX_NAME:
            problems.append(f"The name must be {MAX_NAME} characters or fewer")
    if as_of is None:
        problems.append("Enter the date the suppliers fail")
    elif problem := out_of_range(as_of, "date the suppliers fail"):
        problems.append(problem)
    return suppliers, problems


def checked_suppliers(*, supplier_ids, as_of, name=None) -> list[Organisation]:
    """The suppliers chosen, or `InvalidScenario` listing every problem."""
    suppliers, problems = scenario_problems(supplier_ids=supplier_ids, as_of=as_of, name=name)
    if problems:
        raise InvalidScenario(problems[0], details=problems)
    return suppliers


def preview(*, supplier_ids, as_of: date) -> ScenarioReport:
    """The report of a scenario not saved (`InvalidScenario` if it names nothing sensible)."""
    return build_report(checked_suppliers(supplier_ids=supplier_ids, as_of=as_of), as_of)


def report(scenario: Scenario) -> ScenarioReport:
    """A saved scenario's report, worked out from the data as it is now."""
    return build_report(list(scenario.suppliers.all()), scenario.as_of)


def scenario(scenario_id: int) -> Scenario:
    """A saved scenario by id, or 404 (`Scenario.DoesNotExist`)."""
    return scenarios().get(pk=scenario_id)
