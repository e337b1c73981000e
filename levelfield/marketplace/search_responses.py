"""The catalogue search's answers kept in Django's cache under the catalogue's generation
(search_cache.catalogue_generation), as the opportunity search keeps its own
(tenders/search_responses.py): a search asked again is one query (the generation) and a read of
the cache, without reading a listing or rendering them again.

- The API's answer is the same for every buyer's staff who may search it: the catalogue is not
  personal. Its bytes are kept under the generation, the criteria as read (search.read_criteria)
  and the page, and given only after the operation has checked who asks (authentication, the
  rate limit and the buyer-reader check all run first).
- The page is personal: its header names the person, and the forms saving the search into a
  project carry their projects and CSRF token. Only its expensive part is kept: the facets, the
  heading and the results as HTML, under the generation and the address's search parameters
  (the results' page links repeat them); the rest of the page is rendered afresh each time.

The generation changes with any listing's content or status and any framework going live or
expiring, so a kept answer never shows a listing withdrawn since, nor misses one gone live.
Only answers of a bounded size are kept, and for the page only addresses made of the search's
own parameters, so that made-up query strings cannot fill the cache.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse

from levelfield.tenders.search_responses import MAX_KEPT_BYTES
from levelfield.tenders.selectors import cache_get, cache_set

from .search_cache import catalogue_generation, key, search_cache_seconds
from .search_criteria import Criteria

# The page's own query parameters: the search's and the project searched for.
PAGE_PARAMETERS = frozenset(
    (
        "q",
        "lot",
        "category",
        "price_min",
        "price_max",
        "size",
        "vcse",
        "certification",
        "sort",
        "page",
        "project",
    )
)


@dataclass(frozen=True)
class KeptResponse:
    content: bytes
    content_type: str


def api_response(criteria: Criteria, page: int, make: Callable[[], HttpResponse]):
    """The API's answer to `criteria` and `page`: kept bytes, or `make()` kept when it is a
    successful response of a bounded size. Call it only once the caller may search."""
    seconds = search_cache_seconds()
    if seconds <= 0:
        return make()
    answer_key = key("api", catalogue_generation(), [criteria.keywords, criteria.filters(), page])
    kept = cache_get(answer_key)
    if kept is not None:
        return HttpResponse(kept.content, content_type=kept.content_type)
    response = make()
    if response.status_code == 200 and len(response.content) <= MAX_KEPT_BYTES:
        kept = KeptResponse(bytes(response.content), response["Content-Type"])
        cache_set(answer_key, kept, seconds)
    return response


def page_parts(request, make: Callable[[], dict]) -> dict:
    """The page's expensive parts for the search in `request.GET` (a dict of HTML fragments and
    figures made by `make()`), kept when the address holds only the page's own parameters."""
    seconds = search_cache_seconds()
    if seconds <= 0 or not PAGE_PARAMETERS.issuperset(request.GET.keys()):
        return make()
    parameters = sorted((name, request.GET.getlist(name)) for name in request.GET)
    parts_key = key("page", catalogue_generation(), parameters)
    kept = cache_get(parts_key)
    if kept is not None:
        return kept
    parts = make()
    if sum(len(value) for value in parts.values() if isinstance(value, str)) <= MAX_KEPT_BYTES:
        cache_set(parts_key, parts, seconds)
    return parts
