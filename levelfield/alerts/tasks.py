"""The daily digest, run as a background task (queued by `levelfield send-alerts`)."""

import logging

from django_tasks import task

from levelfield.accounts.models import User
from levelfield.core import clock

from . import actions
from .models import SavedSearch

logger = logging.getLogger(__name__)


@task()
def send_daily_digests() -> dict:
    """One digest email for each active person with saved searches and something new. Each
    person's digest is its own transaction: one failure is logged and the others still go."""
    at = clock.now()
    user_ids = list(
        SavedSearch.objects.filter(user__is_active=True)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    emails = failed = 0
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        try:
            if actions.send_digest(user=user, at=at):
                emails += 1
        except Exception:
            logger.exception("The alerts digest for user %s failed", user.pk)
            failed += 1
    return {"people": len(user_ids), "emails": emails, "failed": failed}
