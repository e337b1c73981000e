"""The bid page's list of the person's unfinished resumable uploads (bids/_attachments.html)."""

from django import template

from levelfield.bids import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unfinished_uploads(context, bid) -> list:
    """The signed-in person's uploads to `bid` that have not finished: choosing the same file
    again continues each from where it stopped."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if bid is None or user is None or not user.is_authenticated:
        return []
    return selectors.uploads_in_progress(bid, user)
