"""The platform admin's frameworks: create one with its lots, change it while it is coming, and
walk it through its lifecycle (lifecycle.FRAMEWORK_ALLOWED): open for applications, close
(pending: applications are decided), standstill (the decisions are sent), live (the admitted
suppliers' submitted listings go live), expired (its live listings expire with it).

What a framework must be is checked once, here (`problems`): the pages' and the API's forms
place the same problems beside their fields."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.errors import InvalidTransition, RuleFailed

from .. import emails_frameworks as emails
from .. import ocds
from ..lifecycle import LISTING_MILESTONE, ApplicationStatus, FrameworkStatus, ListingStatus
from ..models import Application, Framework, FrameworkLot, Listing
from ..rules import require_platform_admin

REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
CPV = re.compile(r"^[0-9]{8}(-[0-9])?$")
MAX_LOTS = 20
MAX_STATEMENTS = 20
MAX_CATEGORIES = 30


@dataclass
class LotDetails:
    title: str
    description: str = ""
    categories: list[str] = field(default_factory=list)
    cpv_code: str = ""


@dataclass
class FrameworkDetails:
    reference: str
    name: str
    applications_open_on: date
    applications_close_on: date
    live_from: date
    expires_on: date
    description: str = ""
    statements: list[str] = field(default_factory=list)
    lots: list[LotDetails] = field(default_factory=list)
    requires_exclusion_declaration: bool = True


def _clean(details: FrameworkDetails) -> FrameworkDetails:
    """The details with their text trimmed and empty lines dropped."""
    return FrameworkDetails(
        reference=(details.reference or "").strip().upper(),
        name=(details.name or "").strip(),
        description=(details.description or "").strip(),
        applications_open_on=details.applications_open_on,
        applications_close_on=details.applications_close_on,
        live_from=details.live_from,
        expires_on=details.expires_on,
        statements=[s.strip() for s in details.statements if s and s.strip()],
        lots=[
            LotDetails(
                title=(lot.title or "").strip(),
                description=(lot.description or "").strip(),
                categories=[c.strip() for c in lot.categories if c and c.strip()],
                cpv_code=(lot.cpv_code or "").strip(),
            )
            for lot in details.lots
        ],
        requires_exclusion_declaration=details.requires_exclusion_declaration,
    )


def problems(details: FrameworkDetails, *, framework: Framework | None = None) -> list:
    """What is wrong with `details`, as (field, message) pairs; empty when they may be saved.
    `framework`: the one being changed (its own reference is not a clash)."""
    found: list[tuple[str, str]] = []
    details = _clean(details)
    if not REFERENCE.match(details.reference):
        found.append(
            (
                "reference",
                "Enter a reference of 2 to 40 capital letters, digits and hyphens, like LF-CLOUD-2",
            )
        )
    elif (
        Framework.objects.filter(reference=details.reference)
        .exclude(pk=framework.pk if framework is not None else 0)
        .exists()
    ):
        found.append(("reference", f"Another framework has the reference {details.reference}"))
    if not details.name:
        found.append(("name", "Enter the framework's name"))
    elif len(details.name) > 200:
        found.append(("name", "The name must be 200 characters or fewer"))
    dates = (
        details.applications_open_on,
        details.applications_close_on,
        details.live_from,
        details.expires_on,
    )
    if any(d is None for d in dates):
        found.append(("applications_open_on", "Enter every date of the framework"))
    else:
        if details.applications_close_on < details.applications_open_on:
            found.append(
                (
                    "applications_close_on",
                    "Applications must close on or after the day they open",
                )
            )
        if details.live_from < details.applications_close_on:
            found.append(("live_from", "The framework must go live on or after applications close"))
        if details.expires_on <= details.live_from:
            found.append(("expires_on", "The framework must expire after it goes live"))
    if not details.lots:
        found.append(("lots", "Add at least one lot"))
    elif len(details.lots) > MAX_LOTS:
        found.append(("lots", f"A framework has at most {MAX_LOTS} lots"))
    titles = [lot.title.casefold() for lot in details.lots]
    for number, lot in enumerate(details.lots, start=1):
        if not lot.title:
            found.append(("lots", f"Enter the title of lot {number}"))
        elif len(lot.title) > 200:
            found.append(("lots", f"The title of lot {number} must be 200 characters or fewer"))
        elif titles.count(lot.title.casefold()) > 1:
            found.append(("lots", f"Two lots are called {lot.title}: give each its own title"))
        if lot.cpv_code and not CPV.match(lot.cpv_code):
            found.append(("lots", f"The CPV code of lot {number} must be 8 digits, like 72400000"))
        if len(lot.categories) > MAX_CATEGORIES or any(len(c) > 100 for c in lot.categories):
            found.append(
                (
                    "lots",
                    f"Lot {number} has at most {MAX_CATEGORIES} categories, "
                    "each 100 characters or fewer",
                )
            )
    if len(details.statements) > MAX_STATEMENTS:
        found.append(("statements", f"A framework has at most {MAX_STATEMENTS} statements"))
    if any(len(s) > 1000 for s in details.statements):
        found.append(("statements", "Each statement must be 1,000 characters or fewer"))
    # The same message once (several lots with the same title say it twice).
    return list(dict.fromkeys(found))


def _check(details: FrameworkDetails, framework: Framework | None = None) -> FrameworkDetails:
    found = problems(details, framework=framework)
    if found:
        raise RuleFailed(found[0][1], code="invalid_framework", details=[m for _, m in found])
    return _clean(details)


def _write(framework: Framework, details: FrameworkDetails) -> None:
    for name in (
        "reference",
        "name",
        "description",
        "applications_open_on",
        "applications_close_on",
        "live_from",
        "expires_on",
        "statements",
        "requires_exclusion_declaration",
    ):
        setattr(framework, name, getattr(details, name))
    framework.save()
    framework.lots.all().delete()
    FrameworkLot.objects.bulk_create(
        FrameworkLot(
            framework=framework,
            number=number,
            title=lot.title,
            description=lot.description,
            categories=lot.categories,
            cpv_code=lot.cpv_code,
        )
        for number, lot in enumerate(details.lots, start=1)
    )


def _record(framework: Framework, action: str, *, by, summary: str, **data) -> None:
    audit.record(
        action=action,
        obj=framework,
        actor=by,
        summary=f"{framework.reference}: {summary}",
        framework=framework.reference,
        **data,
    )


def locked(framework: Framework) -> Framework:
    return Framework.objects.select_for_update().get(pk=framework.pk)


@transaction.atomic
def create_framework(*, details: FrameworkDetails, by) -> Framework:
    """The platform admin creates a framework, coming, with its lots."""
    require_platform_admin(by, "Only the platform admin creates frameworks")
    details = _check(details)
    framework = Framework(created_by=by, created_at=clock.now())
    _write(framework, details)
    _record(
        framework,
        "marketplace.framework_created",
        by=by,
        summary=f"Created with {len(details.lots)} lot{'s' if len(details.lots) != 1 else ''}",
        lots=[lot.title for lot in details.lots],
    )
    return framework


@transaction.atomic
def update_framework(*, framework: Framework, details: FrameworkDetails, by) -> Framework:
    """The platform admin changes a framework (its details, statements and lots) while it is
    coming: once applications open, what suppliers apply to is fixed."""
    require_platform_admin(by, "Only the platform admin changes frameworks")
    framework = locked(framework)
    if framework.status != FrameworkStatus.COMING:
        raise InvalidTransition(
            f"A framework that is {framework.get_status_display().lower()} cannot be changed: "
            "only a coming framework can",
            code="framework_not_coming",
        )
    details = _check(details, framework)
    _write(framework, details)
    _record(
        framework,
        "marketplace.framework_updated",
        by=by,
        summary="Details changed",
        lots=[lot.title for lot in details.lots],
    )
    return framework


def _move(framework: Framework, target: str, *, by) -> Framework:
    require_platform_admin(by, "Only the platform admin runs frameworks")
    framework = locked(framework)
    framework.transition(target, clock.now())
    framework.save()
    return framework


def _move_listings(target: str, at, **where) -> int:
    """Move the listings `where` selects to `target` (each through its transition, row
    locked); how many."""
    milestone = LISTING_MILESTONE[target]
    count = 0
    for row in Listing.objects.select_for_update(of=("self",)).filter(**where):
        row.transition(target, at)
        row.save(update_fields=["status", milestone])
        count += 1
    return count


def withdraw_application_listings(application: Application, at) -> int:
    """A refused or withdrawn application's listings not yet live are withdrawn with it."""
    return _move_listings(
        ListingStatus.WITHDRAWN,
        at,
        application=application,
        status__in=(ListingStatus.DRAFT, ListingStatus.SUBMITTED),
    )


@transaction.atomic
def open_applications(*, framework: Framework, by) -> Framework:
    """Coming -> open: suppliers may apply."""
    framework = _move(framework, FrameworkStatus.OPEN, by=by)
    _record(framework, "marketplace.framework_opened", by=by, summary="Open for applications")
    # Published as its own contracting process: the tender suppliers apply to.
    ocds.publish_framework(framework)
    return framework


@transaction.atomic
def close_applications(*, framework: Framework, by) -> Framework:
    """Open -> pending: no more applications; those never submitted are withdrawn (with their
    listings), and the submitted ones wait for the platform admin's decisions."""
    framework = _move(framework, FrameworkStatus.PENDING, by=by)
    now = clock.now()
    unsent = 0
    for application in Application.objects.select_for_update().filter(
        framework=framework, status=ApplicationStatus.DRAFT
    ):
        application.transition(ApplicationStatus.WITHDRAWN, now)
        application.save(update_fields=["status", "withdrawn_at"])
        withdraw_application_listings(application, now)
        unsent += 1
    submitted = framework.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    _record(
        framework,
        "marketplace.framework_closed",
        by=by,
        summary=f"Applications closed: {submitted} to decide, {unsent} never submitted",
        to_decide=submitted,
        never_submitted=unsent,
    )
    return framework


@transaction.atomic
def start_standstill(*, framework: Framework, by) -> Framework:
    """Pending -> standstill, once every submitted application is decided: each supplier is
    sent its decision (after the commit), and a refused application's listings not yet live
    are withdrawn now, as the refusal is sent, not when it was decided."""
    require_platform_admin(by, "Only the platform admin runs frameworks")
    framework = locked(framework)
    undecided = framework.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    if undecided and framework.status == FrameworkStatus.PENDING:
        raise InvalidTransition(
            f"{undecided} application{' is' if undecided == 1 else 's are'} still to decide: "
            "admit or refuse each before the standstill",
            code="applications_undecided",
        )
    framework.transition(FrameworkStatus.STANDSTILL, clock.now())
    framework.save()
    decided = list(
        Application.objects.filter(
            framework=framework,
            status__in=(ApplicationStatus.ADMITTED, ApplicationStatus.REFUSED),
        ).select_related("supplier", "framework")
    )
    now = clock.now()
    withdrawn = sum(
        withdraw_application_listings(application, now)
        for application in decided
        if application.status == ApplicationStatus.REFUSED
    )
    for application in decided:
        emails.application_decided(application)
    _record(
        framework,
        "marketplace.framework_standstill",
        by=by,
        summary=f"Standstill: {len(decided)} decision{'s' if len(decided) != 1 else ''} sent",
        admitted=sum(a.status == ApplicationStatus.ADMITTED for a in decided),
        refused=sum(a.status == ApplicationStatus.REFUSED for a in decided),
        listings_withdrawn=withdrawn,
    )
    return framework


@transaction.atomic
def go_live(*, framework: Framework, by) -> Framework:
    """Standstill -> live: every submitted listing of an admitted application goes live (its
    content is unchanged, so its search document stands)."""
    framework = _move(framework, FrameworkStatus.LIVE, by=by)
    count = _move_listings(
        ListingStatus.LIVE,
        clock.now(),
        lot__framework=framework,
        status=ListingStatus.SUBMITTED,
        application__status=ApplicationStatus.ADMITTED,
    )
    _record(
        framework,
        "marketplace.framework_live",
        by=by,
        summary=f"Live: {count} listing{'s' if count != 1 else ''} went live",
        listings_live=count,
    )
    # Published again with the suppliers admitted (its awards), before any call-off names it.
    ocds.publish_framework(framework)
    return framework


@transaction.atomic
def expire(*, framework: Framework, by) -> Framework:
    """Live -> expired: its live listings expire with it (buyers no longer find them)."""
    framework = _move(framework, FrameworkStatus.EXPIRED, by=by)
    count = _move_listings(
        ListingStatus.EXPIRED, clock.now(), lot__framework=framework, status=ListingStatus.LIVE
    )
    _record(
        framework,
        "marketplace.framework_expired",
        by=by,
        summary=f"Expired with {count} live listing{'s' if count != 1 else ''}",
        listings_expired=count,
    )
    ocds.publish_framework(framework)
    return framework


# The lifecycle's steps, by the status each leads to (the pages' buttons, the tests' table).
STEPS = {
    FrameworkStatus.OPEN: open_applications,
    FrameworkStatus.PENDING: close_applications,
    FrameworkStatus.STANDSTILL: start_standstill,
    FrameworkStatus.LIVE: go_live,
    FrameworkStatus.EXPIRED: expire,
}
