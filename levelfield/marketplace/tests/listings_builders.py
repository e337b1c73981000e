"""What the listing tests start from: a supplier (its admin, a member) applied to a framework
(live and admitted by default, or in any state), and listings made through the actions."""

from dataclasses import dataclass
from datetime import timedelta

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.marketplace.actions import listings as actions
from levelfield.marketplace.lifecycle import FrameworkStatus
from levelfield.marketplace.models import Application, Framework, Listing
from levelfield.suppliers.models import Certificate, CertificateKind
from tests.support import marketplace, testing

GOOD = {
    "name": "Managed Kubernetes Hosting",
    "summary": "Kubernetes clusters run for you in UK data centres",
    "description": "We run, patch and watch your clusters.",
    "features": ["Autoscaling", "UK data centres"],
    "benefits": ["No cluster to run yourself"],
    "category": "Compute",
    "price": "120.00",
    "price_unit": "per cluster per month",
    "discounts": "10% off for a two year term",
    "certifications": ["cyber_essentials"],
}


@dataclass
class Supplier:
    organisation: object
    admin: object
    member: object
    framework: Framework
    application: Application

    def lot(self, number: int = 1):
        return self.framework.lots.get(number=number)


def certificate(organisation, kind=CertificateKind.CYBER_ESSENTIALS, *, days_left: int = 200):
    return Certificate.objects.create(
        organisation=organisation,
        kind=kind,
        issuer="IASME",
        expires_on=clock.today_uk() + timedelta(days=days_left),
        document="certificates/x.pdf",
        size=10,
        sha256="0" * 64,
        added_by=organisation.memberships.first().user,
        added_at=clock.now(),
    )


def supplier(
    name: str = "Bytebridge Ltd",
    *,
    framework: Framework | None = None,
    status: str = FrameworkStatus.LIVE,
    admitted: bool = True,
    platform_admin=None,
    **profile,
) -> Supplier:
    """A supplier with an admin and a member, applied to `framework` (made in `status`) for
    every lot; admitted, or with its application only submitted (`admitted=False`)."""
    platform_admin = platform_admin or testing.UserFactory(is_superuser=True, is_staff=True)
    organisation, admin = testing.supplier_with_user(name, **profile)
    member = testing.member(organisation, Role.SUPPLIER_MEMBER)
    if framework is None:
        framework = marketplace.framework(
            by=platform_admin, status=status, reference=f"LF-{organisation.pk}"
        )
    if admitted:
        application = marketplace.admitted(framework, organisation, by=admin, admin=platform_admin)
    else:
        application = Application.objects.create(
            framework=framework,
            supplier=organisation,
            agreed_statements=list(framework.statements),
            created_by=admin,
            created_at=clock.now(),
        )
        application.lots.set(framework.lots.all())
    return Supplier(organisation, admin, member, framework, application)


def draft(who: Supplier, **content) -> Listing:
    return actions.create_listing(
        application=who.application, lot=who.lot(), by=who.admin, **{**GOOD, **content}
    )


def live(who: Supplier, **content) -> Listing:
    """A listing submitted through the actions (the supplier holding Cyber Essentials)."""
    if not who.organisation.certificates.exists():
        certificate(who.organisation)
    return actions.submit_listing(listing=draft(who, **content), by=who.admin)
