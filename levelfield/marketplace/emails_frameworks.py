"""The emails of frameworks and applications, each queued after the action's commit
(`core.notify.email_on_commit`): a supplier's application decided (sent at the standstill,
when the platform admin's decisions go out)."""

from django.conf import settings
from django.urls import reverse

from levelfield.accounts.models import Membership, Role
from levelfield.core.display import uk_date
from levelfield.core.notify import email_on_commit

from .lifecycle import ApplicationStatus
from .models import Application


def supplier_admin_emails(organisation_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=organisation_id, role=Role.SUPPLIER_ADMIN, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def application_decided(application: Application) -> None:
    """Tell the supplier's admins the platform admin's decision on its application."""
    framework = application.framework
    if application.status == ApplicationStatus.ADMITTED:
        subject = f"{framework.name}: your application is admitted"
        body = (
            f"{application.supplier.name} is admitted to the framework {framework.reference} "
            f"({framework.name}). Your submitted listings go live when the framework goes live "
            f"on {uk_date(framework.live_from)}."
        )
    else:
        subject = f"{framework.name}: your application is not admitted"
        body = (
            f"{application.supplier.name} is not admitted to the framework "
            f"{framework.reference} ({framework.name}).\n\nThe reason: "
            f"{application.decision_reason}\n\nIts listings have been withdrawn."
        )
    email_on_commit(
        to=supplier_admin_emails(application.supplier_id),
        subject=subject,
        body=f"{body}\n\nSee your application: "
        f"{_link('marketplace:supplier_application', application.pk)}",
    )
