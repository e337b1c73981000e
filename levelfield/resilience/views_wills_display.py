"""How the items of a living will read on a page: a title and rows of label and value (a list
where the item holds one), the same for the supplier editing it and for its readers."""

from levelfield.core.money import format_gbp

from . import content as will_content

TITLES = {
    "entities": "Group structure",
    "other_contracts": "Other public contracts",
    "services": "Critical services and who relies on them",
    "dependencies": "Key subcontractors and intra-group dependencies",
    "plans": "Continuity plans",
}
KINDS = {"subcontractor": "Key subcontractor", "intra_group": "Intra-group dependency"}
NOT_GIVEN = "Not given"


def _row(label: str, value) -> dict:
    if isinstance(value, list):
        return {"label": label, "lines": value or [NOT_GIVEN]}
    return {"label": label, "value": NOT_GIVEN if value in (None, "") else value}


def item_title(key: str, item: dict, number: int) -> str:
    name = item.get(
        "service" if key == "plans" else "title" if key == "other_contracts" else "name"
    )
    if key == "plans" and name:
        return f"Plan for {name}"
    return name or f"Item {number} (no name)"


def item_rows(key: str, item: dict, content: dict) -> list[dict]:
    if key == "entities":
        names = {e["company_number"]: e["name"] for e in content["entities"] if e["company_number"]}
        parent = item.get("parent")
        owner = f"{names.get(parent, '')} ({parent})" if parent else "Nobody: top of the group"
        return [
            _row("Companies House number", item.get("company_number")),
            _row("Owned by", owner),
        ]
    if key == "other_contracts":
        value = item.get("annual_value")
        return [
            _row("Authority", item.get("authority")),
            _row("Annual value", None if value is None else format_gbp(value)),
        ]
    if key == "services":
        people = item.get("people_served")
        return [
            _row("Authorities relying on it", item.get("authorities", [])),
            _row("People served", None if people is None else f"{people:,}"),
        ]
    if key == "dependencies":
        kind = item.get("kind") or ""  # none given: "", shown as not given
        return [
            _row("Kind", KINDS.get(kind, kind)),
            _row("Services that depend on it", item.get("services", [])),
        ]
    days = item.get("days_to_transfer")
    return [
        _row("Steps", item.get("steps", [])),
        _row("Days needed to transfer it", None if days is None else f"{days:,}"),
        _row("Data", item.get("data")),
        _row("Assets", item.get("assets")),
        _row("Staff (TUPE)", item.get("staff")),
        _row("Who must be told", item.get("tell", [])),
    ]


def items_of(key: str, content: dict) -> list[dict]:
    content = {**will_content.empty(), **(content or {})}
    return [
        {
            "number": n,
            "title": item_title(key, item, n),
            "rows": item_rows(key, item, content),
        }
        for n, item in enumerate(content[key], 1)
    ]


def sections_of(content: dict) -> list[dict]:
    """Every section but the linked platform contracts (shown as a table of contracts)."""
    return [{"key": k, "title": t, "items": items_of(k, content)} for k, t in TITLES.items()]
