"""A living will's content: its sections as structured JSON, validated once here (forms and
schemas reuse `validate`), and the completeness score that names what is missing.

    {
      "entities": [{"name", "company_number", "parent"}],   # parent: a company number or ""
      "contracts": [int, ...],                               # ids of platform contracts
      "other_contracts": [{"title", "authority", "annual_value"}],
      "services": [{"name", "authorities": [str], "people_served": int,
                    "contracts": [int, ...]}],      # optional: linked contracts it runs under
      "dependencies": [{"name", "kind": "subcontractor"|"intra_group", "services": [str]}],
      "plans": [{"service", "steps": [str], "days_to_transfer": int, "data", "assets",
                 "staff", "tell": [str]}],
    }
"""

import re
from typing import Any

from levelfield.core.errors import DomainError

SECTIONS = ("entities", "contracts", "other_contracts", "services", "dependencies", "plans")
DEPENDENCY_KINDS = ("subcontractor", "intra_group")
COMPANY_NUMBER = re.compile(r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$")
MAX_ITEMS = 500
MAX_TEXT = 2000


class InvalidContent(DomainError):
    code = "invalid_content"
    status = 422


def empty() -> dict:
    return {section: [] for section in SECTIONS}


def _text(value, where: str, errors: list[str], *, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(f"{where} must be text")
        return ""
    value = value.strip()
    if required and not value:
        errors.append(f"Enter {where}")
    if len(value) > MAX_TEXT:
        errors.append(f"{where} must be {MAX_TEXT} characters or fewer")
    return value


def _texts(value, where: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(f"{where} must be a list")
        return []
    return [t for i, v in enumerate(value) if (t := _text(v, f"{where} {i + 1}", errors))]


def _whole(value, where: str, errors: list[str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.append(f"{where} must be a whole number, 0 or more")
        return None
    return value


def _service_contracts(value, n: int, linked: list[int], errors: list[str]) -> list[int]:
    """The contracts a service runs under: ids among the will's linked contracts."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        errors.append(f"The contracts of service {n} must be a list of at most {MAX_ITEMS} ids")
        return []
    out = []
    for i, c in enumerate(value, 1):
        if isinstance(c, bool) or not isinstance(c, int):
            errors.append(f"Contract {i} of service {n} must be a contract id")
        elif c not in linked:
            errors.append(
                f"Service {n} names contract {c}, which is not one of the will's linked contracts"
            )
        elif c not in out:
            out.append(c)
    return out


def validate(data) -> dict:
    """The content normalised (text stripped, sections all present), or `InvalidContent` listing
    every problem in `details`. Sections may be partly filled: completeness is separate."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise InvalidContent("The living will must be an object of sections")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        errors.append(f"Unknown sections: {', '.join(unknown)}")
    raw = {}
    for section in SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            errors.append(f"{section} must be a list of at most {MAX_ITEMS} items")
            items = []
        if section != "contracts" and not all(isinstance(i, dict) for i in items):
            errors.append(f"Each item of {section} must be an object")
            items = []
        raw[section] = items
    out = empty()
    for n, e in enumerate(raw["entities"], 1):
        number = _text(
            e.get("company_number"),
            f"the Companies House number of entity {n}",
            errors,
            required=False,
        ).upper()
        if number and not COMPANY_NUMBER.match(number):
            errors.append(
                f"The Companies House number of entity {n} must be 8 characters, "
                "like 01234567 or SC123456"
            )
        parent = _text(e.get("parent"), f"the parent of entity {n}", errors, required=False).upper()
        out["entities"].append(
            {
                "name": _text(e.get("name"), f"the name of entity {n}", errors),
                "company_number": number,
                "parent": parent,
            }
        )
    numbers = {e["company_number"] for e in out["entities"] if e["company_number"]}
    for n, e in enumerate(out["entities"], 1):
        if e["parent"] and e["parent"] not in numbers:
            errors.append(
                f"The parent of entity {n} must be the Companies House number of another entity"
            )
        if e["parent"] and e["parent"] == e["company_number"]:
            errors.append(f"Entity {n} cannot be its own parent")
    for n, c in enumerate(raw["contracts"], 1):
        if isinstance(c, bool) or not isinstance(c, int):
            errors.append(f"Linked contract {n} must be a contract id")
        elif c not in out["contracts"]:
            out["contracts"].append(c)
    for n, c in enumerate(raw["other_contracts"], 1):
        out["other_contracts"].append(
            {
                "title": _text(c.get("title"), f"the title of other contract {n}", errors),
                "authority": _text(
                    c.get("authority"), f"the authority of other contract {n}", errors
                ),
                "annual_value": _whole(
                    c.get("annual_value"), f"The annual value of other contract {n}", errors
                ),
            }
        )
    for n, s in enumerate(raw["services"], 1):
        service: dict[str, Any] = {
            "name": _text(s.get("name"), f"the name of service {n}", errors),
            "authorities": _texts(
                s.get("authorities"), f"Authority relying on service {n}", errors
            ),
            "people_served": _whole(
                s.get("people_served"), f"The people served by service {n}", errors
            ),
        }
        runs_under = _service_contracts(s.get("contracts"), n, out["contracts"], errors)
        if runs_under:
            service["contracts"] = runs_under
        out["services"].append(service)
    names = [s["name"] for s in out["services"]]
    if len(set(names)) != len(names):
        errors.append("Each service must have a different name")
    for n, d in enumerate(raw["dependencies"], 1):
        kind = d.get("kind")
        if kind not in DEPENDENCY_KINDS:
            errors.append(f"The kind of dependency {n} must be subcontractor or intra_group")
        services = _texts(d.get("services"), f"Service of dependency {n}", errors)
        errors.extend(
            f"Dependency {n} names an unknown service: {s}" for s in services if s not in names
        )
        out["dependencies"].append(
            {
                "name": _text(d.get("name"), f"the name of dependency {n}", errors),
                "kind": kind,
                "services": services,
            }
        )
    for n, p in enumerate(raw["plans"], 1):
        plan_for = _text(p.get("service"), f"the service of continuity plan {n}", errors)
        if plan_for and plan_for not in names:
            errors.append(f"Continuity plan {n} names an unknown service: {plan_for}")
        out["plans"].append(
            {
                "service": plan_for,
                "steps": _texts(p.get("steps"), f"Step of continuity plan {n}", errors),
                "days_to_transfer": _whole(
                    p.get("days_to_transfer"),
                    f"The days to transfer in continuity plan {n}",
                    errors,
                ),
                "data": _text(p.get("data"), "data", errors, required=False),
                "assets": _text(p.get("assets"), "assets", errors, required=False),
                "staff": _text(p.get("staff"), "staff", errors, required=False),
                "tell": _texts(p.get("tell"), f"Who to tell in continuity plan {n}", errors),
            }
        )
    planned = [p["service"] for p in out["plans"]]
    if len(set(planned)) != len(planned):
        errors.append("Each service has one continuity plan")
    if errors:
        raise InvalidContent("The living will has problems", details=errors)
    return out


def completeness(content: dict, *, owner=None, review_date=None) -> tuple[int, list[str]]:
    """A score from 0 to 100 (the share of checks met) and what is missing, in words."""
    content = {**empty(), **(content or {})}
    checks: list[tuple[bool, str]] = [
        (owner is not None, "An owner"),
        (review_date is not None, "A review date"),
        (bool(content["entities"]), "The group structure: at least one entity"),
    ]
    for e in content["entities"]:
        checks.append(
            (bool(e.get("company_number")), f"The Companies House number of {e.get('name')}")
        )
    checks.append(
        (bool(content["contracts"] or content["other_contracts"]), "The public contracts")
    )
    checks.append((bool(content["services"]), "The critical services"))
    plans = {p["service"]: p for p in content["plans"]}
    for s in content["services"]:
        name = s.get("name")
        checks.append((bool(s.get("authorities")), f"Who relies on {name}: the authorities"))
        checks.append(
            (s.get("people_served") is not None, f"Who relies on {name}: the people served")
        )
        plan = plans.get(name)
        if plan is None:
            checks.append((False, f"A continuity plan for {name}"))
            continue
        for key, words in (
            ("steps", "the steps"),
            ("days_to_transfer", "the time to transfer"),
            ("data", "the data"),
            ("assets", "the assets"),
            ("staff", "the staff (TUPE)"),
            ("tell", "who must be told"),
        ):
            value = plan.get(key)
            checks.append(
                (
                    value is not None and value != "" and value != [],
                    f"The continuity plan for {name}: {words}",
                )
            )
    checks.append(
        (bool(content["dependencies"]), "Key subcontractors and intra-group dependencies")
    )
    met = sum(1 for ok, _ in checks if ok)
    return round(100 * met / len(checks)), [words for ok, words in checks if not ok]
