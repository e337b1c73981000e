"""The daily reminder of financial breaches overdue: each breach not notified by its due time
(the end of the second working day after it was raised) is emailed to the resilience team once,
the first run after it becomes overdue. Run daily (`tasks_financial.send_overdue_reminders`,
one of settings.LEVELFIELD_DAILY_JOBS); an extra run sends nothing new."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from levelfield.core import audit, clock
from levelfield.core.display import uk_date, uk_time
from levelfield.core.notify import email_once

from .models import PlatformRole, PlatformRoleKind
from .selectors_financial import breaches_overdue


def team_emails() -> list[str]:
    """The addresses of the resilience team's active members."""
    return sorted(
        PlatformRole.objects.active()
        .filter(role=PlatformRoleKind.RESILIENCE_TEAM, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def send_overdue_reminders(*, now: datetime | None = None) -> dict:
    """Email the resilience team once about each breach that is overdue and not notified."""
    now = now or clock.now()
    to = team_emails()
    sent = 0
    for breach in breaches_overdue(now=now):
        link = settings.SITE_URL + reverse(
            "resilience:financial_supplier", kwargs={"pk": breach.supplier_id}
        )
        with transaction.atomic():
            went = email_once(
                kind="resilience.breach_overdue",
                key=str(breach.pk),
                to=to,
                subject=f"Financial breach not notified in time: {breach.supplier.name}",
                body=(
                    f"The {breach.indicator.name} reading of {breach.supplier.name} "
                    f"({breach.reading.value.normalize():f} as of {uk_date(breach.reading.as_of)}) "
                    f"breached its threshold at {uk_time(breach.raised_at)}. It had to be "
                    f"notified by {uk_time(breach.due_at)} and is not recorded as notified.\n\n"
                    f"Record when it was notified, or notify it now: {link}"
                ),
            )
            if went:
                sent += 1
                audit.record(
                    action="financial_breach.overdue_reminded",
                    obj=breach,
                    organisation=breach.supplier,
                    summary=f"Resilience team reminded that the {breach.indicator.name} breach "
                    f"of {breach.supplier.name} is overdue",
                    due_at=breach.due_at.isoformat(),
                )
    return {"overdue_breach_reminders": sent}
