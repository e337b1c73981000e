"""Template helpers for supplier pages: the link to a bid's page, which for a consortium's bid
says which consortium the page acts for."""

from django import template
from django.urls import reverse

register = template.Library()


def bid_page_url(bid, organisation) -> str:
    """The bid page of `bid` for a person acting for `organisation`: the page for the lot, with
    `?for=<consortium>` when the bid is a consortium's that the organisation belongs to."""
    url = reverse("bids:edit", args=[bid.lot_id])
    if organisation is not None and bid.supplier_id != organisation.pk:
        url += f"?for={bid.supplier_id}"
    return url


@register.simple_tag(takes_context=True)
def bid_url(context, bid) -> str:
    request = context.get("request")
    return bid_page_url(bid, getattr(request, "organisation", None))
