"""The bid page's list of the person's unfinished resumable uploads, and its warning when the
deadline is near that a file must finish before it (bids/_attachments.html)."""

from django import template
from django.conf import settings

from levelfield.bids import selectors
from levelfield.core import clock

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


@register.simple_tag
def upload_deadline_near(bid) -> dict | None:
    """Within the grace period before the deadline (LEVELFIELD_BID_UPLOAD_GRACE, 2 hours), the
    deadline and when a file begun before it may finish at the latest (bids/actions_uploads.py:
    only one whose SHA-256 was declared); None before that, or without a deadline."""
    deadline = bid.lot.tender.submission_deadline if bid is not None else None
    if deadline is None:
        return None
    grace = settings.LEVELFIELD_BID_UPLOAD_GRACE
    if not deadline - grace <= clock.now() < deadline:
        return None
    return {"deadline": deadline, "until": deadline + grace}
