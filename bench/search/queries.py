"""The search mix the benchmark replays: what people type and tick on a procurement portal.
Common words and rare ones, keywords with filters, filters alone, plain browsing and later
pages. The page and the API get the same searches (the API spells booleans as true)."""

from urllib.parse import urlencode

KEYWORDS = [
    "cleaning",
    "care",
    "home care",
    "school meals",
    "software",
    "highway maintenance",
    "consultancy",
    "waste",
    "transport",
    "training",
    "security",
    "legal",
    "roof",
    "heat pump",
    "cctv",
    "interpreting",
    "youth",
    "grounds maintenance",
    "furniture",
    "services",
    "maintenance",
    "support",
    '"street lighting"',
    "cyber -testing",
]

FILTERED = [
    {"q": "cleaning", "region": "UKK"},
    {"q": "care", "sme": "on", "status": "open"},
    {"q": "software", "min_value": "100000", "max_value": "1000000"},
    {"q": "maintenance", "status": "open", "region": "UKD"},
    {"q": "transport", "vcse": "on"},
    {"status": "open"},
    {"cpv": "72"},
    {"cpv": "853", "region": "UKD"},
    {"sme": "on", "vcse": "on", "status": "open"},
    {"reserved": "smeVcse"},
    {"min_value": "1000000", "status": "open"},
    {"region": "UKI", "status": "closed"},
    {"closing_after": "2026-01-01", "cpv": "45"},
    {},
    {"page": "2"},
    {"status": "open", "page": "3"},
    {"q": "maintenance", "page": "2"},
]


def searches() -> list[dict]:
    return [{"q": keyword} for keyword in KEYWORDS] + FILTERED


def page_paths() -> list[str]:
    return [_path("/opportunities/", params) for params in searches()]


def api_paths() -> list[str]:
    paths = []
    for params in searches():
        params = {k: ("true" if v == "on" else v) for k, v in params.items()}
        page = int(params.pop("page", 1))
        if page > 1:
            params.update({"limit": "20", "offset": str(20 * (page - 1))})
        paths.append(_path("/api/opportunities", params))
    return paths


def _path(base: str, params: dict) -> str:
    return f"{base}?{urlencode(params)}" if params else base
