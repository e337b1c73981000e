"""Open opportunities among the imported compiled releases (Find a Tender, Contracts Finder and
other publishers), kept in ExternalOpportunity for the opportunity search and its alerts.

A compiled release is an open opportunity when its tender is `active` or `planned` (OCDS
tenderStatus) with a tenderPeriod.endDate still to come. The import calls `OpportunityIndex`
in the same transaction as it stores the compiled releases, so the table follows them: a
process that becomes open is added, one that changes is updated, one that is cancelled,
completed or otherwise no longer open is removed, and the search generation is renewed. A
deadline that passes hides the notice at once (searches ask for a deadline still to come) and
the next import removes it.

The link to the notice is the tenderNotice document the publisher gives (Contracts Finder and
Find a Tender both list their own notice page so): a link built from identifiers would be
wrong for Contracts Finder, whose notice id is not the one in its OCIDs. Only an https link on
the publisher's own site is taken for those two, and only an http(s) link from others.
"""

import re
from datetime import UTC
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import orjson
import psycopg
from django.db import connection

from levelfield.core import clock

from .importing.checks import parse_datetime
from .models_external import (
    ExternalCompiledRelease,
    ExternalOpportunity,
    ExternalOpportunityGeneration,
    OpportunitySource,
)

OPEN_STATUSES = {"active", "planned"}

# OCID prefixes registered with the Open Contracting Partnership.
SOURCE_PREFIXES = {
    "ocds-h6vhtk-": OpportunitySource.FIND_A_TENDER,
    "ocds-b5fd17-": OpportunitySource.CONTRACTS_FINDER,
}
SOURCE_HOSTS: dict[str, str] = {
    OpportunitySource.FIND_A_TENDER: "www.find-tender.service.gov.uk",
    OpportunitySource.CONTRACTS_FINDER: "www.contractsfinder.service.gov.uk",
}

# NUTS 1 regions of the UK: Find a Tender gives codes (UKK, UKK1, ...), Contracts Finder names.
REGION_NAMES = {
    "north east": "UKC",
    "north west": "UKD",
    "yorkshire and the humber": "UKE",
    "yorkshire and humber": "UKE",
    "east midlands": "UKF",
    "west midlands": "UKG",
    "east of england": "UKH",
    "london": "UKI",
    "south east": "UKJ",
    "south west": "UKK",
    "wales": "UKL",
    "scotland": "UKM",
    "northern ireland": "UKN",
}
_NUTS = re.compile(r"^UK[C-N]")
_CPV = re.compile(r"^[0-9]{8}$")

# Cheap tests on the JSON text before it is parsed: most compiled releases of a large import
# (awards, contracts, closed tenders) are not open opportunities.
_NEEDLES = ('"tenderPeriod"', '"endDate"')
_BYTE_NEEDLES = tuple(needle.encode() for needle in _NEEDLES)


def source_of(ocid: str) -> str:
    for prefix, source in SOURCE_PREFIXES.items():
        if ocid.startswith(prefix):
            return source
    return OpportunitySource.OTHER


def notice_url(tender: dict, source: str) -> str:
    """The notice's own page: the last tenderNotice document with a link we can trust."""
    documents = tender.get("documents")
    if not isinstance(documents, list):
        return ""
    host = SOURCE_HOSTS.get(source)
    found = ""
    for document in documents:
        if not isinstance(document, dict) or document.get("documentType") != "tenderNotice":
            continue
        url = document.get("url")
        if not isinstance(url, str) or len(url) > 2000:
            continue
        parts = urlsplit(url.strip())
        if host is not None and (parts.scheme != "https" or parts.hostname != host):
            continue
        if host is None and (parts.scheme not in ("http", "https") or not parts.hostname):
            continue
        found = url.strip()
    return found


def _classifications(tender: dict):
    yield tender.get("classification")
    for item in tender.get("items") or []:
        if isinstance(item, dict):
            yield item.get("classification")
            yield from item.get("additionalClassifications") or []
    yield from tender.get("additionalClassifications") or []


def cpv_codes(tender: dict) -> list[str]:
    codes = []
    for classification in _classifications(tender):
        if not isinstance(classification, dict):
            continue
        if str(classification.get("scheme", "")).upper() != "CPV":
            continue
        code = str(classification.get("id", "")).split("-")[0].strip()
        if _CPV.match(code) and code not in codes:
            codes.append(code)
    return codes


def regions(tender: dict) -> list[str]:
    found = []
    addresses = list(tender.get("deliveryAddresses") or [])
    for item in tender.get("items") or []:
        if isinstance(item, dict):
            addresses.extend(item.get("deliveryAddresses") or [])
            if isinstance(item.get("deliveryAddress"), dict):
                addresses.append(item["deliveryAddress"])
    for address in addresses:
        if not isinstance(address, dict) or not isinstance(address.get("region"), str):
            continue
        region = address["region"].strip()
        code = REGION_NAMES.get(region.lower())
        if code is None and _NUTS.match(region.upper()):
            code = region.upper()[:3]
        if code and code not in found:
            found.append(code)
    return found


def _value(tender: dict) -> Decimal | None:
    value = tender.get("value")
    if not isinstance(value, dict) or value.get("currency", "GBP") != "GBP":
        return None
    try:
        amount = Decimal(str(value.get("amount")))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e16"):
        return None
    return amount.quantize(Decimal("0.01"))


def _text(value, limit: int = 20000) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def closing_text(compiled: dict) -> str | None:
    """What may make a compiled release an open opportunity, taken where it is compiled (the
    import's workers): its tenderPeriod.endDate when the tender is active or planned; None
    when it cannot be one. The index then parses only the few whose deadline is to come."""
    tender = compiled.get("tender")
    if type(tender) is not dict or tender.get("status") not in OPEN_STATUSES:
        return None
    period = tender.get("tenderPeriod")
    end = period.get("endDate") if type(period) is dict else None
    return end if type(end) is str else None


def opportunity(ocid: str, compiled: dict, *, now) -> ExternalOpportunity | None:
    """The open opportunity a compiled release describes, or None when it is not one."""
    tender = compiled.get("tender")
    if not isinstance(tender, dict) or tender.get("status") not in OPEN_STATUSES:
        return None
    period = tender.get("tenderPeriod")
    end = period.get("endDate") if isinstance(period, dict) else None
    deadline = parse_datetime(end) if isinstance(end, str) else None
    if deadline is None or deadline <= now:
        return None
    title = _text(tender.get("title"), 1000)
    if not title:
        return None
    buyer = compiled.get("buyer")
    buyer_name = _text(buyer.get("name"), 1000) if isinstance(buyer, dict) else ""
    suitability = tender.get("suitability")
    if not isinstance(suitability, dict):
        suitability = {}
    source = source_of(ocid)
    published = tender.get("datePublished") or compiled.get("date")
    published = parse_datetime(published) if isinstance(published, str) else None
    codes = cpv_codes(tender)
    places = regions(tender)
    return ExternalOpportunity(
        ocid=ocid,
        source=source,
        title=title,
        description=_text(tender.get("description")),
        buyer_name=buyer_name,
        cpv_codes=f" {' '.join(codes)} " if codes else "",
        value=_value(tender),
        deadline=deadline.astimezone(UTC),
        regions=f" {' '.join(places)} "[:100] if places else "",
        sme=suitability.get("sme") if isinstance(suitability.get("sme"), bool) else None,
        vcse=suitability.get("vcse") if isinstance(suitability.get("vcse"), bool) else None,
        url=notice_url(tender, source),
        published=(published or now).astimezone(UTC),
        first_seen=now,
        updated=now,
    )


UPDATED_FIELDS = [
    field.name
    for field in ExternalOpportunity._meta.concrete_fields
    if field.name not in ("ocid", "first_seen", "search_vector")
]
WRITTEN_FIELDS = ["ocid", "first_seen", *UPDATED_FIELDS]
_CONCRETE = {field.name: field for field in ExternalOpportunity._meta.concrete_fields}


def _upsert_sql(postgres: bool) -> str:
    """One row's INSERT ... ON CONFLICT (ocid) DO UPDATE, for executemany. On PostgreSQL the
    search vector is made in the same statement (title A, description B, as Tender's), so a
    row is written once and its GIN index entries once."""
    quote = connection.ops.quote_name
    columns = [quote(_CONCRETE[name].column) for name in WRITTEN_FIELDS]
    values = ["%s"] * len(columns)
    updates = [f"{column} = excluded.{column}" for column in columns[2:]]
    if postgres:
        vector = quote("search_vector")
        columns.append(vector)
        values.append(
            "setweight(to_tsvector('english', %s::text), 'A')"
            " || setweight(to_tsvector('english', %s::text), 'B')"
        )
        updates.append(f"{vector} = excluded.{vector}")
    return (
        f"INSERT INTO {quote(ExternalOpportunity._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(values)}) ON CONFLICT ({columns[0]}) DO UPDATE SET "
        + ", ".join(updates)
    )


class OpportunityIndex:
    """Follows the compiled releases an import writes. `store` is called in the transaction
    that writes them, with their (ocid, compiled JSON text) and the ocids that could not be
    compiled (their compiled release is gone, so is their opportunity)."""

    def __init__(self):
        self.known: set[str] | None = None  # ocids in the table: only open ones, so few
        self.changed = 0

    def store(self, compiled: list[tuple], failed=()) -> None:
        """`compiled`: (ocid, compiled JSON text) or, from the import's compile, (ocid, text,
        closing_text of it), which spares parsing those that cannot be open."""
        if self.known is None:
            self.known = set(ExternalOpportunity.objects.values_list("ocid", flat=True))
        now = clock.now()
        found, gone = {}, set(failed) & self.known
        for ocid, text, *closing in compiled:
            if closing:
                deadline = closing[0] and parse_datetime(closing[0])
                candidate = deadline is not None and deadline > now
            else:
                needles = _NEEDLES if isinstance(text, str) else _BYTE_NEEDLES
                candidate = all(needle in text for needle in needles)
            item = None
            if candidate:
                data = orjson.loads(text)
                if isinstance(data, dict):
                    item = opportunity(ocid, data, now=now)
            if item is not None:
                found[ocid] = item  # the last, if an ocid comes twice
                gone.discard(ocid)
            else:
                found.pop(ocid, None)
                if ocid in self.known:
                    gone.add(ocid)
        if gone:
            ExternalOpportunity.objects.filter(ocid__in=list(gone)).delete()
            self.known -= gone
        if found:
            self._write(list(found.values()))
            self.known.update(found)
        if found or gone:
            self.changed += len(found) + len(gone)
            ExternalOpportunityGeneration.renew()

    def _write(self, items: list[ExternalOpportunity]) -> None:
        """Insert or update the rows, with executemany: on PostgreSQL on a psycopg cursor of
        its own, binding on the server (as the importer's), for a multi-row INSERT bound on the
        client costs several times the CPU time (measured: bench/import_bench.py --as-of)."""
        postgres = connection.vendor == "postgresql"
        fields = [_CONCRETE[name] for name in WRITTEN_FIELDS]
        rows = []
        for item in items:
            row = [
                field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields
            ]
            if postgres:
                row += [item.title, item.description]
            rows.append(row)
        connection.ensure_connection()
        sql = _upsert_sql(postgres)
        if postgres:
            with psycopg.Cursor(connection.connection) as cursor:
                cursor.executemany(sql, rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)

    def remove_closed(self) -> int:
        """Remove the notices whose deadline has passed (searches already leave them out)."""
        removed, _ = ExternalOpportunity.objects.filter(deadline__lte=clock.now()).delete()
        if removed:
            self.known = None
            ExternalOpportunityGeneration.renew()
        return removed


def reindex_all(*, chunk: int = 2000) -> int:
    """Build the table again from every compiled release (after an upgrade, or to repair it).
    Returns how many open opportunities there are."""
    index = OpportunityIndex()
    ExternalOpportunity.objects.all().delete()
    index.known = set()
    ExternalOpportunityGeneration.renew()
    compiled = ExternalCompiledRelease.objects.order_by("ocid").values_list("ocid", "compiled")
    batch = []
    for ocid, data in compiled.iterator(chunk_size=chunk):
        batch.append((ocid, orjson.dumps(data)))
        if len(batch) >= chunk:
            index.store(batch)
            batch = []
    index.store(batch)
    return ExternalOpportunity.objects.count()
