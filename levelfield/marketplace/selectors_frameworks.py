"""What each viewer reads of frameworks and applications: anyone reads the frameworks (they are
announced publicly) with their lots; the platform admin reads every application; a supplier's
people read their own organisation's applications only."""

from django.db.models import Count, Q, QuerySet

from .lifecycle import ApplicationStatus, FrameworkStatus, ListingStatus, ProjectStatus
from .models import Application, Framework, Listing, Project
from .rules import is_platform_admin


def public_frameworks() -> QuerySet[Framework]:
    """Every framework, newest term first, with its number of lots."""
    return Framework.objects.annotate(lot_count=Count("lots", distinct=True)).order_by(
        "-live_from", "name", "id"
    )


def public_framework(pk: int) -> Framework | None:
    return Framework.objects.prefetch_related("lots").filter(pk=pk).first()


def admin_frameworks(user) -> QuerySet[Framework]:
    """Every framework with its applications counted, for the platform admin (none else)."""
    if not is_platform_admin(user):
        return Framework.objects.none()
    return Framework.objects.annotate(
        lot_count=Count("lots", distinct=True),
        submitted_count=Count(
            "applications",
            filter=Q(applications__status=ApplicationStatus.SUBMITTED),
            distinct=True,
        ),
        admitted_count=Count(
            "applications",
            filter=Q(applications__status=ApplicationStatus.ADMITTED),
            distinct=True,
        ),
    ).order_by("-created_at", "-id")


def admin_framework(user, pk: int) -> Framework | None:
    return admin_frameworks(user).prefetch_related("lots").filter(pk=pk).first()


def expiry_effects(framework: Framework) -> dict[str, int]:
    """What expiring `framework` touches, for the platform admin's confirmation: its live
    listings (they expire with it and leave the catalogue's search), the suppliers offering
    them, and the buyers' projects whose frozen shortlist names one of its services and whose
    outcome is not yet recorded (they can no longer award a call-off from it)."""
    live = Listing.objects.filter(lot__framework=framework, status=ListingStatus.LIVE)
    return {
        "listings": live.count(),
        "suppliers": live.values("supplier").distinct().count(),
        "projects": Project.objects.filter(
            status=ProjectStatus.ENDED, shortlist__listing__lot__framework=framework
        )
        .distinct()
        .count(),
    }


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "framework", "supplier", "declaration", "submitted_by", "decided_by"
    ).prefetch_related("lots")


def admin_applications(user, framework: Framework) -> QuerySet[Application]:
    """A framework's applications for the platform admin: submitted first, then by supplier.
    Drafts are the supplier's own business and are not listed."""
    if not is_platform_admin(user):
        return Application.objects.none()
    return (
        _applications()
        .filter(framework=framework)
        .exclude(status=ApplicationStatus.DRAFT)
        .order_by("status", "supplier__name", "id")
    )


def admin_application(user, pk: int) -> Application | None:
    if not is_platform_admin(user):
        return None
    return _applications().exclude(status=ApplicationStatus.DRAFT).filter(pk=pk).first()


def supplier_applications(organisation) -> QuerySet[Application]:
    """The supplier's own applications, newest framework first."""
    if organisation is None:
        return Application.objects.none()
    return (
        _applications()
        .filter(supplier=organisation)
        .order_by("-framework__live_from", "framework__name", "id")
    )


def supplier_application(organisation, pk: int) -> Application | None:
    return supplier_applications(organisation).filter(pk=pk).first()


def application_of(organisation, framework: Framework) -> Application | None:
    """The supplier's application to `framework`, if it has one."""
    if organisation is None:
        return None
    return supplier_applications(organisation).filter(framework=framework).first()


def decision_sent(application: Application) -> bool:
    """Whether the supplier has been told the decision: decisions are made while the framework
    is pending and sent at the standstill, so until then a decided application reads to its
    supplier as submitted."""
    return application.framework.status not in (FrameworkStatus.OPEN, FrameworkStatus.PENDING)


def supplier_status_code(application: Application) -> str:
    """The application's status as its supplier reads it (`decision_sent`)."""
    decided = application.status in (ApplicationStatus.ADMITTED, ApplicationStatus.REFUSED)
    if decided and not decision_sent(application):
        return ApplicationStatus.SUBMITTED
    return application.status


def supplier_status(application: Application) -> str:
    """`supplier_status_code` in words."""
    return ApplicationStatus(supplier_status_code(application)).label
