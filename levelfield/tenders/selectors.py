"""Public reads of tenders: the opportunity search and the published opportunity page.

Everything here starts from `Tender.objects.public()`, so a draft can never be listed, found or
opened through a forgotten filter.

The keyword search is full-text on PostgreSQL: English stemming ("cleaning" finds "cleaners"),
the title weighted above the description, results ranked by relevance. The document is stored
in `Tender.search_vector` (written by the tender actions) under a GIN index. SQLite, used for
the demo and the quick test run, keeps a plain case-insensitive match, title matches first.

Two limits keep every search fast however many tenders match (bench/search/README.md):
- a search counts its results up to RESULT_LIMIT and then stops: a count above it means "more
  than RESULT_LIMIT", and the page says so and asks for a narrower search;
- a keyword search ranks the newest RESULT_LIMIT + 1 matches. A common word ("services")
  matches a third of all tenders; ranking them all would read the whole table every time.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, When

from levelfield.core import clock

from .lifecycle import Status
from .models import Clarification, Lot, Tender, TenderCPV, TenderDocument, TenderQuerySet

OPEN = "open"
CLOSED = "closed"
# The reserved-participation filter: any tender, one reserved for a kind of organisation (a
# ReservedParticipation code), or NOT_RESERVED for those open to every supplier.
NOT_RESERVED = "none"

SEARCH_CONFIG = "english"


class StemPrefixQuery(SearchQuery):
    """websearch_to_tsquery (quotes for phrases, "or", "-" to exclude), with each stem of five
    letters or more matched as a prefix. The English stemmer keeps agent nouns whole, so
    "cleaning" stems to 'clean' but "cleaners" to 'cleaner'; as a prefix 'clean' finds both.
    Shorter stems ('care', 'road') match exactly: as prefixes they would find 'career' and
    'roadshow'."""

    def __init__(self, value: str):
        super().__init__(value, config=SEARCH_CONFIG, search_type="websearch")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        return (
            f"regexp_replace(({sql})::text, %s, %s, 'g')::tsquery",
            [*params, r"'([^']{5,})'", r"'\1':*"],
        )


def search_document() -> SearchVector:
    """What the keyword search looks in: the title (weight A) and the description (weight B),
    stemmed in English. Stored in Tender.search_vector by the tender actions."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )


def full_text_search() -> bool:
    """True when the database can rank by relevance (PostgreSQL)."""
    return connections[Tender.objects.db].vendor == "postgresql"


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.UK)


RESULT_LIMIT = 1000


class OpportunityResults(TenderQuerySet):
    """Search results. Their count stops at RESULT_LIMIT + 1, so counting a broad search reads
    a thousand index entries rather than every tender; a count above RESULT_LIMIT means "more
    than RESULT_LIMIT"."""

    def count(self) -> int:
        if self._result_cache is not None or self.query.is_sliced:
            return super().count()
        return QuerySet.count(self.order_by()[: RESULT_LIMIT + 1])


# How many of the newest published tenders a keyword search looks through first.
RECENT_TENDERS = 20_000


def _newest_matches(matching: QuerySet[Tender]) -> list[int]:
    """The ids of the newest RESULT_LIMIT + 1 matching tenders; ranking and counting then look
    at those rows only.

    A common word fills the window among the most recent tenders, so those are searched first:
    reading the newest RECENT_TENDERS rows in publication order is cheap, where fetching every
    row the full-text index matches is not. Only a rarer word (or narrower filters) needs the
    whole table, and then the index returns few rows."""
    newest = matching.order_by("-published_at", "-id").values_list("pk", flat=True)
    cutoff = (
        Tender.objects.public()
        .order_by("-published_at", "-id")
        .values_list("published_at", flat=True)[RECENT_TENDERS - 1 : RECENT_TENDERS]
        .first()
    )
    if cutoff is not None:
        recent = list(newest.filter(published_at__gte=cutoff)[: RESULT_LIMIT + 1])
        if len(recent) > RESULT_LIMIT:
            return recent
    return list(newest[: RESULT_LIMIT + 1])


def _keyword(tenders: QuerySet[Tender], keyword: str) -> QuerySet[Tender]:
    """Tenders whose title or description match the words, or whose reference is the keyword,
    most relevant first."""
    if full_text_search():
        query = StemPrefixQuery(keyword)
        newest = _newest_matches(
            tenders.filter(Q(search_vector=query) | Q(reference=keyword.upper()))
        )
        return (
            OpportunityResults(model=Tender)
            .filter(pk__in=newest)
            .select_related("buyer")
            .defer("search_vector")
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-id")
        )
    title = Q(title__icontains=keyword)
    return (
        tenders.filter(title | Q(description__icontains=keyword) | Q(reference__icontains=keyword))
        .annotate(rank=Case(When(title, then=1), default=0, output_field=IntegerField()))
        .order_by("-rank", "-published_at", "-id")
    )


def cpv_prefix(code: str) -> str:
    """The prefix a CPV code stands for. A full 8-digit code ending in zeros names a whole
    division, group or class (85000000 is all of health and social work), so its trailing zeros
    are dropped; a shorter code typed by a person is already a prefix."""
    digits = code.strip().split("-")[0]
    if len(digits) == 8:
        digits = digits.rstrip("0").ljust(2, "0")
    return digits


def _open_for_bids() -> Q:
    return Q(status=Status.PUBLISHED, submission_deadline__gt=clock.now())


def search_opportunities(
    *,
    keyword: str = "",
    cpv: str = "",
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    region: str = "",
    sme: bool = False,
    vcse: bool = False,
    status: str = "",
    reserved: str = "",
    closing_after: date | None = None,
    closing_before: date | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
) -> QuerySet[Tender]:
    """Published opportunities matching every filter given: with a keyword, the most relevant
    first; without one, newest first.

    Open means published with the submission deadline still ahead; closed is every other public
    tender (past the deadline, in evaluation, awarded, cancelled, ...). `closing_after` and
    `closing_before` are UK dates and include the day itself. `published_after` (exclusive) and
    `published_before` (inclusive) are moments: the alerts digest asks for what is new.

    The count of the results stops at RESULT_LIMIT + 1 (see OpportunityResults)."""
    tenders = OpportunityResults(model=Tender).public().select_related("buyer")
    tenders = tenders.defer("search_vector")
    if cpv:
        tenders = tenders.filter(
            Exists(
                TenderCPV.objects.filter(tender=OuterRef("pk"), code__startswith=cpv_prefix(cpv))
            )
        )
    if min_value is not None:
        tenders = tenders.filter(estimated_value__gte=min_value)
    if max_value is not None:
        tenders = tenders.filter(estimated_value__lte=max_value)
    if region:
        tenders = tenders.filter(region=region)
    if sme:
        tenders = tenders.filter(suitable_for_sme=True)
    if vcse:
        tenders = tenders.filter(suitable_for_vcse=True)
    if status == OPEN:
        tenders = tenders.filter(_open_for_bids())
    elif status == CLOSED:
        tenders = tenders.exclude(_open_for_bids())
    if reserved == NOT_RESERVED:
        tenders = tenders.filter(reserved_participation="")
    elif reserved:
        tenders = tenders.filter(reserved_participation=reserved)
    if closing_after is not None:
        tenders = tenders.filter(submission_deadline__gte=_uk_midnight(closing_after))
    if closing_before is not None:
        tenders = tenders.filter(
            submission_deadline__lt=_uk_midnight(closing_before + timedelta(days=1))
        )
    if published_after is not None:
        tenders = tenders.filter(published_at__gt=published_after)
    if published_before is not None:
        tenders = tenders.filter(published_at__lte=published_before)
    keyword = keyword.strip()
    if keyword:
        return _keyword(tenders, keyword)
    return tenders.order_by("-published_at", "-id")


def latest_open_opportunities(limit: int = 5) -> list[Tender]:
    return list(search_opportunities(status=OPEN)[:limit])


def public_opportunity(reference: str) -> QuerySet[Tender]:
    """The published tender with that reference, with everything its page shows."""
    return (
        Tender.objects.public()
        .filter(reference=reference)
        .select_related("buyer")
        .defer("search_vector")
        .prefetch_related(
            "cpv_codes",
            Prefetch("lots", queryset=Lot.objects.prefetch_related("questions")),
            "documents",
            Prefetch(
                "clarifications",
                queryset=Clarification.objects.published().only(
                    "id", "tender_id", "question", "answer", "asked_at", "answered_at"
                ),
                to_attr="published_clarifications",
            ),
        )
    )


def public_document(*, reference: str, document_id: int) -> TenderDocument | None:
    return (
        TenderDocument.objects.filter(
            tender__in=Tender.objects.public(), tender__reference=reference, pk=document_id
        )
        .select_related("tender")
        .first()
    )


def clarifications_asked_by(organisation) -> QuerySet[Clarification]:
    """The clarification questions a supplier organisation asked, newest first."""
    return (
        Clarification.objects.filter(asked_by_organisation=organisation)
        .select_related("tender")
        .order_by("-asked_at", "-id")
    )
