"""Lists a page at a time, and the links of the GOV.UK pagination component.

Views call `paginate`; templates show the links with `{% govuk_pagination page %}`
(core/templatetags/govuk.py), which calls `pagination_links` with the request.
"""

from django.core.paginator import Paginator

PAGE_SIZE = 20


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, param: str = "page"):
    """A page of results for a list view; a bad page number gives the nearest real page.

    `param` names the query parameter that holds the page number, so that one page can show two
    lists that turn their pages separately."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get(param))


def pagination_links(request, page, *, param: str = "page", path: str = "") -> dict | None:
    """Links for the GOV.UK pagination component that keep every other query parameter (the
    search filters, the page of another list) and change only the page number; None when
    there is only one page. `path` is the list's own address, for a list shown again at
    another address (a form that failed and posted elsewhere)."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return path + "?" + query.urlencode()

    items: list[dict[str, object]] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "url": url(number), "current": number == page.number})
    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
        "items": items,
    }
