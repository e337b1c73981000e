"""The OCDS API: the release feed, single releases and records. Public, without authentication:
the release store holds only what was published. The endpoints parse the query, read through
`selectors` and describe the result.

The feed answers with JSON bytes built here (orjson for the package, each release's stored JSON
spliced in as it is) in an HttpResponse, which ninja passes through unvalidated; the response
schemas below only document those bytes in the OpenAPI description."""

import re
from datetime import UTC, datetime
from typing import Any

import orjson
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from levelfield.core.api_helpers import MAX_POSITION
from levelfield.core.errors import DomainError

from . import merge, package, selectors

router = Router(tags=["Open contracting data (public)"])

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class InvalidQuery(DomainError):
    code = "validation_error"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


# ---------------------------------------------------------------------------------------------
# What the endpoints return, for the OpenAPI description


class OcdsErrorOut(Schema):
    code: str = Field(description="Stable machine code: not_found, validation_error")
    message: str = Field(description="What went wrong, for a person")
    details: list[str] = Field(default_factory=list, description="One line per problem")


class PublisherOut(Schema):
    name: str
    uri: str | None = None
    scheme: str | None = None
    uid: str | None = None


class PackageMetadataOut(Schema):
    uri: str = Field(description="The URL of this package")
    version: str = Field(description="The OCDS version: 1.1")
    publishedDate: str = Field(description="When this package was produced (ISO 8601)")
    publisher: PublisherOut
    license: str = Field(description="The licence of the data")
    publicationPolicy: str = Field(description="The publication policy")
    extensions: list[str] = Field(
        description="The OCDS extensions the releases use, each pinned to a commit"
    )


class LinksOut(Schema):
    next: str | None = Field(
        None,
        description="The next page. Present whenever this page has releases; absent on an "
        "empty page, which means you have every release published so far: request the same "
        "URL again later for new ones.",
    )


class ReleasePackageOut(PackageMetadataOut):
    releases: list[dict[str, Any]] = Field(description="OCDS 1.1 releases")
    links: LinksOut | None = Field(None, description="Paging, on the feed only")


class LinkedReleaseOut(Schema):
    url: str = Field(description="The release's package URL, with the release id as fragment")
    date: str
    tag: list[str]


class RecordOut(Schema):
    ocid: str
    releases: list[LinkedReleaseOut] = Field(
        description="Links to the releases of this contracting process, oldest first"
    )
    compiledRelease: dict[str, Any] = Field(description="The latest state, merged by ocdsmerge")
    versionedRelease: dict[str, Any] = Field(description="Every value with its history")


class RecordPackageOut(PackageMetadataOut):
    packages: list[str] = Field(description="The release packages this record was built from")
    records: list[RecordOut]


class FeedQuery(Schema):
    cursor: int = Field(
        0,
        ge=0,
        le=MAX_POSITION,
        description="The feed position after which to start: 0 (the default) is the beginning. "
        "Follow `links.next` rather than building it.",
    )
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"How many releases a page holds at most (default {DEFAULT_LIMIT}, "
        f"at most {MAX_LIMIT})",
    )
    updated_since: str | None = Field(
        None,
        description="Only releases dated at or after this ISO 8601 date-time, e.g. "
        "2026-01-31T09:00:00Z. Without an offset it is UTC; a date alone means its midnight.",
        json_schema_extra={"format": "date-time"},
    )
    ocid: str | None = Field(None, description="Only the releases of this contracting process")
    buyer: str | None = Field(
        None, description="Only releases of this buyer: its identifier, as in `buyer.id`"
    )


# ---------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "/releases",
    response={200: ReleasePackageOut, 422: OcdsErrorOut},
    operation_id="ocds_releases",
    url_name="ocds_releases",
    summary="The release feed",
    description="Every release published, oldest first, as an OCDS release package. Pages are "
    "cut by feed position, which only grows, and a release becomes visible only after every "
    "release before it: follow `links.next` and you get each release exactly once, even while "
    "new ones are being published. An empty page has no `links.next`: keep its URL and ask "
    "again later. Filters (`updated_since`, `ocid`, `buyer`) are kept in `links.next`.",
)
def releases(request, query: Query[FeedQuery]):
    since = parse_updated_since(query.updated_since) if query.updated_since else None
    page = selectors.feed_page(
        after=query.cursor,
        limit=query.limit,
        updated_since=since,
        ocid=query.ocid or "",
        buyer_id=query.buyer or "",
    )
    links = {"next": _next_page_url(request, page[-1].position)} if page else {}
    return _json(_release_package(request, [item.text for item in page], links=links))


@router.get(
    "/releases/{release_id}",
    response={200: ReleasePackageOut, 404: OcdsErrorOut},
    operation_id="ocds_release",
    url_name="ocds_release",
    summary="One release",
    description="One release, in a release package.",
)
def release(request, release_id: str):
    text = selectors.release_text(release_id)
    if text is None:
        raise NotFound(f"There is no release with id {release_id}")
    return _json(_release_package(request, [text]))


@router.get(
    "/records/{ocid}",
    response={200: RecordPackageOut, 404: OcdsErrorOut},
    operation_id="ocds_record",
    url_name="ocds_record",
    summary="The record of a contracting process",
    description="A record package with the record of one contracting process: links to its "
    "releases (each URL is the release's own package, with the release id as fragment), the "
    "compiled release (its latest state) and the versioned release (every value with the "
    "release that set it).",
)
def record(request, ocid: str):
    stored = selectors.record(ocid)
    if stored is None:
        raise NotFound(f"There is no contracting process with OCID {ocid}")
    history = selectors.releases_of(ocid)
    packages = [_release_url(request, item["id"]) for item in history]
    body = {
        **package.metadata(request.build_absolute_uri()),
        "packages": packages,
        "records": [
            {
                "ocid": ocid,
                "releases": [
                    {"url": f"{url}#{item['id']}", "date": item["date"], "tag": item["tag"]}
                    for url, item in zip(packages, history, strict=True)
                ],
                "compiledRelease": stored.compiled,
                "versionedRelease": merge.versioned_release(history),
            }
        ],
    }
    return _json(orjson.dumps(body))


# ---------------------------------------------------------------------------------------------
# Parsing and building

# A "+" sent unencoded in a query string arrives as a space: "2026-01-31T09:00:00 01:00".
_SPACED_OFFSET = re.compile(
    r"(T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?) ([0-9]{2}:?[0-9]{2})$"
)


def parse_updated_since(value: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is taken as UTC."""
    text = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        message = f"updated_since: {value!r} is not an ISO 8601 date-time"
        raise InvalidQuery(
            f"The request is not valid: {message}, e.g. 2026-01-31T09:00:00Z", details=[message]
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _next_page_url(request, position: int) -> str:
    params = request.GET.copy()
    params["cursor"] = str(position)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _release_url(request, release_id: str) -> str:
    return request.build_absolute_uri(
        reverse("api:ocds_release", kwargs={"release_id": release_id})
    )


def _release_package(request, releases: list[str], **extra) -> bytes:
    """A release package around releases given as JSON text, which are spliced in as they are
    rather than decoded and encoded again."""
    head = orjson.dumps(package.metadata(request.build_absolute_uri()))
    parts = [head[:-1], b',"releases":[', ",".join(releases).encode(), b"]"]
    for key, value in extra.items():
        parts += [b",", orjson.dumps(key), b":", orjson.dumps(value)]
    parts.append(b"}")
    return b"".join(parts)


def _json(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type="application/json")
