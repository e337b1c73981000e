"""Reminders before a respondent's response is due: at each of
settings.LEVELFIELD_REVIEW_REMINDER_DAYS days before the date (7 and 1 by default), each sent
once (core.notify.email_once claims it). A run that missed a day sends the nearest reminder
that applies, once; a request answered or lapsed gets none."""

from datetime import date

from django.conf import settings

from .. import emails
from ..lifecycle import CaseStatus
from ..models import ResponseRequest


def reminder_days() -> list[int]:
    return sorted(int(d) for d in getattr(settings, "LEVELFIELD_REVIEW_REMINDER_DAYS", (7, 1)))


def send_response_reminders(*, today: date) -> int:
    """Send the reminders due `today`; returns how many went."""
    days = reminder_days()
    if not days:
        return 0
    open_requests = (
        ResponseRequest.objects.filter(
            responded_at__isnull=True,
            lapsed_at__isnull=True,
            case__status=CaseStatus.AWAITING_RESPONSE,
            due_on__gte=today,
            due_on__lte=date.fromordinal(today.toordinal() + days[-1]),
        )
        .select_related("case__raised_by", "case__raiser_organisation", "organisation")
        .select_related("case__tender", "case__contract")
        .order_by("due_on", "id")
    )
    sent = 0
    for request in open_requests:
        left = (request.due_on - today).days
        nearest = next(d for d in days if left <= d)
        sent += emails.response_reminder(request, days_before=nearest, today=today)
    return sent
