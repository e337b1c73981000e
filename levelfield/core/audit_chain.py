"""The audit trail as a hash chain: each event stores the hash of the event before it and its own
hash, a SHA-256 over a canonical form of its fields and that previous hash. Changing, removing
or reordering an event breaks the chain at that event, which `levelfield verify-audit` finds.

Events are linked one at a time: on PostgreSQL the linking takes a transaction-level advisory
lock, held until the action's transaction ends, so concurrent actions chain one after another
(SQLite lets one writer in at a time already); a unique index on the previous hash refuses a
fork whatever happens. What the chain cannot show by itself is the newest events removed all
together: keep the head hash `verify-audit` prints, and pass it back with `--head`."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection

GENESIS = "0" * 64
# The key of the PostgreSQL advisory lock taken to link an event.
LOCK_KEY = int.from_bytes(b"lfaudit", "big")


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(value):
    """JSON as it comes back from either database. PostgreSQL's jsonb keeps numbers as decimals,
    so a float written as 1e+20 comes back as the integer 100000000000000000000: a whole float
    is hashed as the integer it stands for."""
    if isinstance(value, float):
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _optional_int(value) -> int | None:
    return None if value is None else int(value)


def digest(
    *,
    prev_hash: str,
    at,
    actor_id,
    organisation_id,
    action: str,
    object_type: str,
    object_id: str,
    summary: str,
    data,
    sealed_until,
) -> str:
    """The SHA-256 (hex) of an event's canonical form: its fields and the previous hash, as
    compact JSON with sorted keys, times in UTC to the microsecond. (The standard library's
    encoder: orjson refuses integers past 64 bits, which jsonb gives back for 1e+20.)"""
    canonical = json.dumps(
        {
            "v": 1,
            "prev_hash": prev_hash,
            "at": _time(at),
            "actor_id": _optional_int(actor_id),
            "organisation_id": _optional_int(organisation_id),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "summary": summary,
            "data": _plain(data),
            "sealed_until": _time(sealed_until),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


FIELDS = (
    "id",
    "prev_hash",
    "hash",
    "at",
    "actor_id",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "data",
    "sealed_until",
)


def digest_of(event) -> str:
    return digest(**{name: getattr(event, name) for name in FIELDS[3:]}, prev_hash=event.prev_hash)


def link(event) -> None:
    """Give a new event its place at the head of the chain: call inside the transaction that
    inserts it, just before the insert. The data is stored as the database will give it back
    (through the field's JSON encoder), so that the hash checks out when read."""
    field = type(event)._meta.get_field("data")
    event.data = json.loads(json.dumps(event.data, cls=field.encoder))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    head = type(event).objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = head or GENESIS
    event.hash = digest_of(event)


@dataclass
class Result:
    events: int = 0
    head: str = GENESIS
    first_at: datetime | None = None
    last_at: datetime | None = None
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _missing_link(model, row: dict, before: int | None) -> str:
    """Why an event's previous hash is not the hash of the event before it."""
    where = "the start of the trail" if before is None else f"event {before}"
    found = model.objects.filter(hash=row["prev_hash"]).values_list("id", flat=True).first()
    if found is not None and found > row["id"]:
        return (
            f"it follows event {found}, which comes after it: the events have been reordered "
            f"(expected to follow {where})"
        )
    if found is not None:
        return f"it follows event {found}, not {where}: events between them have been removed"
    if row["prev_hash"] == GENESIS:
        return f"it claims to start the trail, but follows {where}"
    if before is None:
        return "the events before it have been removed (the trail does not start at its beginning)"
    return f"the event it follows is gone or altered (expected {where})"


def verify(model, *, chunk: int = 5000) -> Result:
    """Walk the chain in id order, `chunk` events at a time, to the first broken link."""
    result = Result()
    prev, prev_id, after = GENESIS, None, 0
    while True:
        rows = list(model.objects.filter(id__gt=after).order_by("id").values(*FIELDS)[:chunk])
        if not rows:
            return result
        for row in rows:
            if row["prev_hash"] != prev:
                result.broken_at = row["id"]
                result.problem = _missing_link(model, row, prev_id)
                return result
            fields = {name: row[name] for name in FIELDS[3:]}
            if digest(prev_hash=row["prev_hash"], **fields) != row["hash"]:
                result.broken_at = row["id"]
                result.problem = "its content does not match its hash: it has been altered"
                return result
            result.events += 1
            result.first_at = result.first_at or row["at"]
            result.last_at = row["at"]
            prev, prev_id = row["hash"], row["id"]
        result.head = prev
        after = rows[-1]["id"]


def holds(model, head: str) -> bool:
    """Whether `head`, a head hash noted earlier, is still in the chain: the newest event's hash,
    or the previous hash of a later one."""
    return model.objects.filter(prev_hash=head).exists() or (
        model.objects.order_by("-id").values_list("hash", flat=True).first() == head
    )
