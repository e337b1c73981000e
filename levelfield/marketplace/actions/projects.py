"""A buyer's project in the catalogue: created with its name and need, searches saved into it
(refining is saving again: the earlier searches are kept, numbered), and ended, which freezes the
shortlist from the latest saved search's results as they then stand. The shortlist is kept for
audit: each entry holds the listing's version and a copy of what the buyer compared, so a
listing changed or withdrawn later does not change it."""

from django.db import transaction
from django.db.models import Max

from levelfield.accounts.models import Organisation
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition, RuleFailed

from .. import search
from ..lifecycle import ProjectStatus
from ..models import ListingVersion, Project, SavedSearch, ShortlistEntry
from ..rules import require_buyer_staff

# A shortlist is for comparing: a search that leaves more services than this is to be refined
# before the project ends (G-Cloud's buyers' guide asks for a shortlist a buyer can read).
SHORTLIST_LIMIT = 100

NAME_NEEDED = "Enter the project's name"
NAME_LIMIT = 200
NEED_LIMIT = 5000
NO_SEARCH = "Save a search into the project before ending it"
NOTHING_FOUND = (
    "The latest saved search finds no services now: refine it (fewer words or facets) and save "
    "it again before ending the project"
)
TOO_MANY = (
    f"The latest saved search finds more than {SHORTLIST_LIMIT} services: refine it (more "
    f"words, a lot, a category or a price range) and save it again, so that the shortlist is "
    f"{SHORTLIST_LIMIT} or fewer"
)
ONE_FRAMEWORK = (
    "The latest saved search finds services on more than one framework: choose the lots of one "
    "framework and save it again, since a call-off is made under one framework"
)
NOT_SEARCHING = "This project's search has ended: its shortlist is frozen"
SEARCH_PROBLEM = "Correct the search before saving it"


def _refuse(problems: list[str], code: str = "validation_error") -> None:
    if problems:
        raise DomainError(problems[0], code=code, details=problems)


def details_problems(name: str, need: str) -> list[tuple[str, str]]:
    """What is wrong with a project's name and need, by field: the forms and the API reuse it."""
    problems = []
    if not (name or "").strip():
        problems.append(("name", NAME_NEEDED))
    elif len(name.strip()) > NAME_LIMIT:
        problems.append(("name", f"The name must be {NAME_LIMIT} characters or fewer"))
    if len((need or "").strip()) > NEED_LIMIT:
        problems.append(("need", f"The need must be {NEED_LIMIT} characters or fewer"))
    return problems


def _next_reference(buyer, year: int) -> str:
    taken = set(
        Project.objects.for_buyer(buyer)
        .filter(reference__startswith=f"P-{year}-")
        .values_list("reference", flat=True)
    )
    number = len(taken) + 1
    while f"P-{year}-{number:04d}" in taken:
        number += 1
    return f"P-{year}-{number:04d}"


@transaction.atomic
def create_project(*, buyer, by, name: str, need: str = "") -> Project:
    """Start a project for `buyer`: its reference is the buyer's next P-<year>-<number>."""
    require_buyer_staff(by, buyer)
    _refuse([message for _, message in details_problems(name, need)])
    # The buyer's row is the lock two creations wait for: the next number is still free.
    Organisation.objects.select_for_update().get(pk=buyer.pk)
    project = Project.objects.create(
        buyer=buyer,
        reference=_next_reference(buyer, clock.today_uk().year),
        name=name.strip(),
        need=(need or "").strip(),
        created_by=by,
        created_at=clock.now(),
    )
    audit.record(
        action="marketplace.project_created",
        obj=project,
        actor=by,
        organisation=buyer,
        summary=project.reference,
        reference=project.reference,
    )
    return project


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("buyer").get(pk=project.pk)


@transaction.atomic
def save_search(*, project: Project, by, criteria: search.Criteria) -> SavedSearch:
    """Save `criteria` into the project as its next search (refining a search is saving it
    again; the earlier ones are kept), with how many services it finds now."""
    require_buyer_staff(by, project.buyer)
    project = _locked(project)
    if project.status != ProjectStatus.SEARCHING:
        raise InvalidTransition(NOT_SEARCHING)
    number = (project.searches.aggregate(last=Max("number"))["last"] or 0) + 1
    saved = SavedSearch.objects.create(
        project=project,
        number=number,
        keywords=criteria.keywords,
        filters=criteria.filters(),
        result_count=search.matching(criteria).count(),
        saved_by=by,
        saved_at=clock.now(),
    )
    audit.record(
        action="marketplace.search_saved",
        obj=project,
        actor=by,
        organisation=project.buyer,
        summary=f"search {number}: {saved.result_count} services",
        search=number,
        keywords=saved.keywords,
        filters=saved.filters,
        result_count=saved.result_count,
    )
    return saved


def latest_search(project: Project) -> SavedSearch | None:
    return project.searches.order_by("-number").first()


def snapshot(listing) -> dict:
    """What the buyer compared of a listing, as it stood: kept on the shortlist entry."""
    return {
        "name": listing.name,
        "summary": listing.summary,
        "supplier": listing.supplier_name,
        "supplier_id": listing.supplier_id,
        "supplier_size": listing.supplier_size,
        "supplier_is_vcse": listing.supplier_is_vcse,
        "price": None if listing.price is None else str(listing.price),
        "price_unit": listing.price_unit,
        "lot": listing.lot.number,
        "lot_title": listing.lot.title,
        "framework": listing.lot.framework.reference,
        "category": listing.category,
        "certifications": list(listing.certifications),
    }


@transaction.atomic
def end_project(*, project: Project, by) -> Project:
    """End the project's search: the latest saved search is run once more and its results, in
    its order, become the frozen shortlist (1 to SHORTLIST_LIMIT services on one framework)."""
    require_buyer_staff(by, project.buyer)
    project = _locked(project)
    if project.status != ProjectStatus.SEARCHING:
        raise InvalidTransition(NOT_SEARCHING)
    saved = latest_search(project)
    if saved is None:
        raise RuleFailed(NO_SEARCH)
    criteria = search.Criteria.from_saved(saved.keywords, saved.filters)
    listings = list(
        search.matching(criteria).select_related("lot__framework")[: SHORTLIST_LIMIT + 1]
    )
    if not listings:
        raise RuleFailed(NOTHING_FOUND)
    if len(listings) > SHORTLIST_LIMIT:
        raise RuleFailed(TOO_MANY)
    frameworks = {listing.lot.framework for listing in listings}
    if len(frameworks) > 1:
        raise RuleFailed(ONE_FRAMEWORK)
    # Each listing's current version: the one its row's number names (one query).
    versions = {
        (version.listing_id, version.number): version
        for version in ListingVersion.objects.filter(listing__in=listings)
    }
    ShortlistEntry.objects.bulk_create(
        ShortlistEntry(
            project=project,
            listing=listing,
            listing_version=versions[(listing.pk, listing.version)],
            position=position,
            snapshot=snapshot(listing),
        )
        for position, listing in enumerate(listings, start=1)
    )
    now = clock.now()
    project.framework = frameworks.pop()
    project.transition(ProjectStatus.ENDED, now)
    project.ended_by = by
    project.save()
    audit.record(
        action="marketplace.project_ended",
        obj=project,
        actor=by,
        organisation=project.buyer,
        summary=f"shortlist of {len(listings)} from search {saved.number}",
        search=saved.number,
        shortlist=[listing.pk for listing in listings],
    )
    return project
