"""Bench only: tell wrk whether the search result cache answered each request, as the header
X-Search-Cache (hit or miss; absent when nothing was searched or the cache is off). Gunicorn's
sync workers serve one request at a time, so the difference in this process's counters over
the request is this request's."""

from levelfield.tenders import selectors


class SearchCacheHeader:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        before = selectors.CACHE_STATS.copy()
        response = self.get_response(request)
        if selectors.CACHE_STATS["hit"] > before["hit"]:
            response["X-Search-Cache"] = "hit"
        elif selectors.CACHE_STATS["miss"] > before["miss"]:
            response["X-Search-Cache"] = "miss"
        return response
