"""The catalogue search's cache (search.py, search_responses.py): what a search found and its
whole answers are kept in Django's cache under the catalogue's generation."""

import hashlib
import json

from django.conf import settings
from django.db import connections

from levelfield.tenders.selectors import cache_get, cache_set

from .models import Listing

# # What a search found (the grouped counts, under its words and price range; a page's ids) is kept
# in Django's cache under the catalogue's generation: the latest moment any listing changed,
# went live, was withdrawn or expired, and any framework went live or expired (every action sets
# one of these through the lifecycle's milestones or Listing.updated_at). So a cached search
# never shows a listing withdrawn since, nor misses one gone live; the listings of a page are
# read afresh. Ending a project runs its search uncached (`matching`).

GENERATION_SQL = """
SELECT (SELECT max(updated_at) FROM marketplace_listing),
       (SELECT max(live_at) FROM marketplace_listing),
       (SELECT max(withdrawn_at) FROM marketplace_listing),
       (SELECT max(expired_at) FROM marketplace_listing),
       (SELECT max(live_at) FROM marketplace_framework),
       (SELECT max(expired_at) FROM marketplace_framework)
"""


def search_cache_seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 600))


def catalogue_generation() -> str:
    """The catalogue's generation: one query of six index look-ups (migration 0003)."""
    with connections[Listing.objects.db].cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    return ":".join("none" if value is None else str(value).replace(" ", "T") for value in row)


def key(kind: str, generation: str, parts) -> str:
    """The cache key of `parts` (JSON-able) of a `kind` under `generation`."""
    text = json.dumps([generation, parts], sort_keys=True, default=str)
    return f"marketplace:search:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached(generation: str | None, kind: str, parts: list, compute):
    """What `compute()` gives, kept under `generation` (None: not kept, computed each time)."""
    if generation is None:
        return compute()
    found_key = key(kind, generation, parts)
    found = cache_get(found_key)
    if found is not None:
        return found
    value = compute()
    cache_set(found_key, value, search_cache_seconds())
    return value
