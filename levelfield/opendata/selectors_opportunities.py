"""Reads of the open opportunities imported from other publishers (ExternalOpportunity), for the
opportunity search and saved-search alerts of the domain apps above. The filters arrive as the
search has already read them (a CPV prefix, UK midnights as moments, a full-text query built by
the search's own rules), so the two lists it shows side by side are filtered alike."""

from datetime import datetime
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When

from levelfield.core import clock

from .models_external import ExternalOpportunity, ExternalOpportunityGeneration


def generation_sql() -> tuple[str, str]:
    """SQL for the external part of the search generation, to be read in the search's own
    query: the token (renewed whenever the import changes the opportunities) and the first
    deadline still to come (an opportunity closing changes what a search finds). The second
    takes one parameter, now."""
    table = ExternalOpportunity._meta.db_table
    token = f"(SELECT token FROM {ExternalOpportunityGeneration._meta.db_table} WHERE id = 1)"
    deadline = f"(SELECT deadline FROM {table} WHERE deadline > %s ORDER BY deadline LIMIT 1)"
    return token, deadline


def open_opportunities(
    *,
    words: SearchQuery | None = None,
    keyword: str = "",
    cpv_prefix: str = "",
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    region: str = "",
    sme: bool = False,
    vcse: bool = False,
    closing_from: datetime | None = None,
    closing_before: datetime | None = None,
    first_seen_after: datetime | None = None,
    first_seen_before: datetime | None = None,
    excluding_ocids=None,
) -> QuerySet[ExternalOpportunity]:
    """The imported opportunities open for bids now that match every filter given, annotated
    with `rank` (higher first: ts_rank of `words` on PostgreSQL, 1 for a `keyword` in the title
    on other databases, else 0). `words` is the full-text query (PostgreSQL); `keyword` the
    words as typed (a plain match on other databases)."""
    found = ExternalOpportunity.objects.filter(deadline__gt=clock.now()).defer("search_vector")
    if cpv_prefix:
        found = found.filter(cpv_codes__contains=f" {cpv_prefix}")
    if min_value is not None:
        found = found.filter(value__gte=min_value)
    if max_value is not None:
        found = found.filter(value__lte=max_value)
    if region:
        found = found.filter(regions__contains=f" {region} ")
    if sme:
        found = found.filter(sme=True)
    if vcse:
        found = found.filter(vcse=True)
    if closing_from is not None:
        found = found.filter(deadline__gte=closing_from)
    if closing_before is not None:
        found = found.filter(deadline__lt=closing_before)
    if first_seen_after is not None:
        found = found.filter(first_seen__gt=first_seen_after)
    if first_seen_before is not None:
        found = found.filter(first_seen__lte=first_seen_before)
    if excluding_ocids is not None:
        found = found.exclude(ocid__in=excluding_ocids)
    keyword = keyword.strip()
    if words is not None and connection.vendor == "postgresql":
        return found.filter(search_vector=words).annotate(
            rank=SearchRank(F("search_vector"), words)
        )
    if keyword:
        title = Q(title__icontains=keyword)
        return found.filter(title | Q(description__icontains=keyword)).annotate(
            rank=Case(When(title, then=1), default=0, output_field=IntegerField())
        )
    return found.annotate(rank=Value(0.0, output_field=FloatField()))


def opportunities_by_ocid(ocids: list[str]) -> dict[str, ExternalOpportunity]:
    """The opportunities with those OCIDs, still in the table (one query)."""
    if not ocids:
        return {}
    found = ExternalOpportunity.objects.filter(ocid__in=ocids).defer("search_vector")
    return {item.ocid: item for item in found}
