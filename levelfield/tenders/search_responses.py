"""Whole responses of the public search, the page and the API, kept in Django's cache.

A search asked again is answered with the bytes made the first time, without reading a tender
or rendering a template: one query, the search generation. Such a response is right only while
three things hold, and each is part of how it is kept:

- Nothing the search can find or show has changed: the key holds the search generation
  (models.SearchGeneration), renewed in the same transaction as every publication and every
  status change of a published tender. A search filtering on open or closed also depends on
  deadlines passing: its generation holds the next deadline of any open tender
  (selectors.search_generation).
- Time has not changed what it shows: an entry is used only until the first moment at which
  a tender it shows changes its days left or closes (selectors.shown_until), and never longer
  than SEARCH_CACHE_SECONDS.
- It is the same for whoever asks: only responses to people who are not signed in and have no
  message waiting are kept or served (a signed-in supplier's page offers to save the search);
  the key is the whole address asked (host, path and query string), since the page repeats the
  filters as typed and the API's links name the host.

Only addresses made of the search's own parameters are kept, and only responses of a bounded
size, so that made-up query strings cannot fill the cache. A response from the cache is given
before django-ninja's own checks of the operation would run: the public search has no
authentication or throttling; one that gets them must check them before this.

A buyer's name shown beside a tender is read when the response is made; renaming a buyer with
public tenders (in the admin) starts a new search generation too (actions.buyer_renamed).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse

from levelfield.core import clock

from . import selectors
from .selectors import CLOSED, OPEN


@dataclass(frozen=True)
class KeptResponse:
    content: bytes
    content_type: str
    until: datetime | None  # None: nothing shown depends on the time


# A bigger response (the API's 100 results with long descriptions) is made afresh each time.
MAX_KEPT_BYTES = 256 * 1024


def _may_share(request, parameters: frozenset[str]) -> bool:
    """A request whose response is the same for everyone who could ask it, and made of the
    search's own parameters only."""
    return (
        request.method == "GET"
        and parameters.issuperset(request.GET.keys())
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _key(generation: str, request) -> str:
    address = request.build_absolute_uri()
    digest = hashlib.sha256(f"{generation}\n{address}".encode()).hexdigest()
    return f"tenders:search-response:{digest}"


def _personal(request, response) -> bool:
    """Whether making the response gave it something of this visitor's own: a cookie, a CSRF
    token, a message."""
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or len(messages.get_messages(request))
    )


def cache_search_response(*, parameters: Iterable[str]):
    """Keep a search view's successful responses as described above. `parameters` are the
    query parameters the view reads; the view must answer through selectors.cached_search."""
    known = frozenset(parameters)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = selectors.search_cache_seconds()
            if seconds <= 0 or not _may_share(request, known):
                return view(request, *args, **kwargs)
            by_status = request.GET.get("status") in (OPEN, CLOSED)
            generation = selectors.search_generation(with_deadline=by_status)
            if generation is None:
                return view(request, *args, **kwargs)
            key = _key(generation, request)
            now = clock.now()
            kept = selectors.cache_get(key)
            if kept is not None and (kept.until is None or now < kept.until):
                selectors.CACHE_STATS["hit"] += 1
                return HttpResponse(kept.content, content_type=kept.content_type)

            making = selectors.ResponseInMaking(generation, by_status)
            token = selectors.MAKING.set(making)
            try:
                response = view(request, *args, **kwargs)
            finally:
                selectors.MAKING.reset(token)
            if (
                response.status_code != 200
                or response.streaming
                or len(response.content) > MAX_KEPT_BYTES
                or _personal(request, response)
            ):
                return response
            until = selectors.shown_until(making.shown, now)
            timeout = seconds
            if until is not None:
                timeout = min(seconds, int((until - now).total_seconds()))
            if timeout > 0:
                kept = KeptResponse(bytes(response.content), response["Content-Type"], until)
                selectors.cache_set(key, kept, timeout)
            return response

        return wrapper

    return decorator
