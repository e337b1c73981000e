"""The search mix the benchmark replays: what people type and tick on a procurement portal.
Common words and rare ones, keywords with filters, filters alone, plain browsing and later
pages. The page and the API get the same searches (the API spells booleans as true)."""

import json
import random
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


# The broad mix: many distinct searches made from the generator's vocabulary (its titles,
# places, regions and CPV codes), asked with the skewed popularity of real search logs: a few
# searches very often, a long tail once or twice (a Zipf law, the n-th most popular asked 1/n as
# often as the first). The result cache's hit ratio on it is a fairer guess than on the 41
# searches above, which repeat every 41 requests.
TITLE_WORDS = [
    "home care",
    "domiciliary care",
    "supported living",
    "respite",
    "youth",
    "domestic abuse",
    "homelessness",
    "carers",
    "drug alcohol",
    "sexual health",
    "stop smoking",
    "office cleaning",
    "school cleaning",
    "window cleaning",
    "washroom",
    "highway",
    "resurfacing",
    "gully",
    "footway",
    "street lighting",
    "traffic signals",
    "software",
    "pest control",
    "graffiti",
    "abandoned vehicle",
    "reablement",
    "outreach",
    "advocacy",
    "drainage",
    "verges",
    "framework",
    "pilot",
    "re-procurement",
    "cleaning",
    "maintenance",
    "care",
    "services",
    "support",
    "repairs",
    "removal",
    "lanterns",
    "night-time",
    "eco-friendly",
    "net zero",
    "tupe",
    "social value",
    "site visit",
    "lots",
    "monthly",
    "villages",
]
PLACES = [
    "bristol",
    "bath",
    "exeter",
    "plymouth",
    "truro",
    "taunton",
    "gloucester",
    "swindon",
    "salisbury",
    "dorchester",
]
REGIONS = ["UKC", "UKD", "UKE", "UKF", "UKG", "UKH", "UKI", "UKJ", "UKK", "UKL", "UKM", "UKN"]
CPV_PREFIXES = ["853", "8531", "90910000", "45", "4523", "72", "909", "85323000"]


def broad_searches(count: int = 1000, seed: int = 5) -> list[dict]:
    """`count` distinct searches, most popular first: the fixed 41, then generated ones."""
    rng = random.Random(seed)
    found = {json.dumps(params, sort_keys=True): params for params in searches()}
    while len(found) < count:
        params = {}
        shape = rng.random()
        if shape < 0.85:
            keyword = rng.choice(TITLE_WORDS)
            if rng.random() < 0.3:
                keyword += " " + rng.choice(PLACES)
            params["q"] = keyword
        if rng.random() < 0.3:
            params["region"] = rng.choice(REGIONS)
        if rng.random() < 0.35:
            params["status"] = "open"
        if rng.random() < 0.15:
            params["sme"] = "on"
        if rng.random() < 0.15 or not params:
            params["cpv"] = rng.choice(CPV_PREFIXES)
        if rng.random() < 0.1:
            params["page"] = str(rng.randint(2, 4))
        found.setdefault(json.dumps(params, sort_keys=True), params)
    return list(found.values())


def zipf_sequence(items: list, length: int, seed: int = 7) -> list:
    """`length` draws from `items`, the n-th drawn with weight 1/n."""
    rng = random.Random(seed)
    return rng.choices(items, weights=[1 / rank for rank in range(1, len(items) + 1)], k=length)


def searches() -> list[dict]:
    return [{"q": keyword} for keyword in KEYWORDS] + FILTERED


def page_paths(params_list: list[dict] | None = None) -> list[str]:
    return [_path("/opportunities/", params) for params in params_list or searches()]


def api_paths(params_list: list[dict] | None = None) -> list[str]:
    paths = []
    for params in params_list or searches():
        params = {k: ("true" if v == "on" else v) for k, v in params.items()}
        page = int(params.pop("page", 1))
        if page > 1:
            params.update({"limit": "20", "offset": str(20 * (page - 1))})
        paths.append(_path("/api/opportunities", params))
    return paths


def _path(base: str, params: dict) -> str:
    return f"{base}?{urlencode(params)}" if params else base
