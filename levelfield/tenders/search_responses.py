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

A buyer's name shown beside a tender is read when the response is made: a renamed
organisation shows its new name in cached searches once they expire (SEARCH_CACHE_SECONDS).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse

from levelfield.core import clock

from . import selectors
from .selectors import CLOSED, OPEN


@dataclass(frozen=True)
class KeptResponse:
    content: bytes
    content_type: str
    until: datetime | None  # None: nothing shown depends on the time


def _may_share(request) -> bool:
    """A response the same for everyone who could be given it."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _key(generation: str, request) -> str:
    address = request.build_absolute_uri()
    digest = hashlib.sha256(f"{generation}\n{address}".encode()).hexdigest()
    return f"tenders:search-response:{digest}"


def cache_search_response(view):
    """Keep the view's successful responses as described above; the view must answer a search
    through selectors.cached_search."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = selectors.search_cache_seconds()
        if seconds <= 0 or not _may_share(request):
            return view(request, *args, **kwargs)
        by_status = request.GET.get("status") in (OPEN, CLOSED)
        generation = selectors.search_generation(with_deadline=by_status)
        if generation is None:
            return view(request, *args, **kwargs)
        key = _key(generation, request)
        now = clock.now()
        kept = cache.get(key)
        if kept is not None and (kept.until is None or now < kept.until):
            selectors.CACHE_STATS["hit"] += 1
            return HttpResponse(kept.content, content_type=kept.content_type)

        making = selectors.ResponseInMaking(generation, by_status)
        token = selectors.MAKING.set(making)
        try:
            response = view(request, *args, **kwargs)
        finally:
            selectors.MAKING.reset(token)
        shown = making.shown
        personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code != 200 or response.streaming or personal:
            return response
        until = selectors.shown_until(shown, now)
        timeout = seconds
        if until is not None:
            timeout = min(seconds, int((until - now).total_seconds()))
        if timeout > 0:
            cache.set(
                key,
                KeptResponse(bytes(response.content), response["Content-Type"], until),
                timeout,
            )
        return response

    return wrapper
