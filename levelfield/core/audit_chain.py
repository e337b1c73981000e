"""The audit trail as a hash chain: each event stores the hash of the event before it and its own
hash, a SHA-256 over a canonical form of its fields and that previous hash. Changing, removing
or reordering an event breaks the chain at that event, which `levelfield verify-audit` finds.

An action inserts its event unlinked (no `seq`, `prev_hash` or `hash`), its content fixed from
then on (a trigger refuses any other change), and takes no lock for it. Once the action's
transaction has committed, `link_pending` gives the committed unlinked events, in id order, their
places at the head of the chain, in a short transaction of its own under a lock (PostgreSQL: a
transaction-level advisory lock; SQLite: the write lock every transaction takes as it begins):
`seq`, the chain's order, one more than the head's, the head's hash as `prev_hash`, and then
their own hash. It runs after each action's commit, as a frequent job (settings.
LEVELFIELD_FREQUENT_JOBS) for any that failed, and at the start of `verify-audit`.

So the chain's order is `seq`, the order events were linked, not their id: an action that began
first (a lower id) and committed last is linked after the other. No action holds the chain's
lock: one that records and then locks rows cannot deadlock with one that locked them first and
then records, and audited transactions do not queue on one another from their record to their
commit. Unique indexes on `seq` and on the previous hash refuse a fork whatever happens. What the
chain cannot show by itself is the newest events removed all together: keep the head hash
`verify-audit` prints, and pass it back with `--head`."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction

from . import clock

GENESIS = "0" * 64
# The key of the PostgreSQL advisory lock taken to link events.
LOCK_KEY = int.from_bytes(b"lfaudit", "big")
# An event still unlinked this long after it was recorded says the linking is not running
# (verify-audit reports it): after each commit it takes a moment, and the frequent job runs
# every minute.
UNLINKED_TOO_LONG = timedelta(minutes=1)


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
    "seq",
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
    return digest(**{name: getattr(event, name) for name in FIELDS[4:]}, prev_hash=event.prev_hash)


def _pending(cursor, table: str) -> bool:
    cursor.execute(f"SELECT 1 FROM {table} WHERE seq IS NULL LIMIT 1")
    return cursor.fetchone() is not None


def link_pending(model, *, batch: int = 500) -> int:
    """Link the committed events not yet in the chain, in id order, each after the head: `batch`
    at a time, each batch in a short transaction of its own under the chain's lock, until none
    is left. Cheap when there is none (one indexed query, no lock). Returns how many it linked.

    The events' fields are read back from the database, so the hash is over what is stored. It
    runs after every audited action's commit, so the check for pending events and the head (an
    integer and a hash) are read with plain SQL: the ORM built each of those queries afresh on
    every request (bench/bids_bench.py)."""
    table = connection.ops.quote_name(model._meta.db_table)
    linked = 0
    while True:
        with connection.cursor() as cursor:
            if not _pending(cursor, table):
                break
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                # Read under the lock (on SQLite the transaction began with the write lock):
                # what another linker did before is committed and seen.
                cursor.execute(
                    f"SELECT seq, hash FROM {table} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
                )
                seq, prev = cursor.fetchone() or (0, GENESIS)
            rows = list(
                model.objects.filter(seq__isnull=True).order_by("id").values(*FIELDS)[:batch]
            )
            with connection.cursor() as cursor:
                for row in rows:
                    seq += 1
                    fields = {name: row[name] for name in FIELDS[4:]}
                    own = digest(prev_hash=prev, **fields)
                    # The one change the append-only trigger lets through (core 0009).
                    cursor.execute(
                        f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s"
                        " WHERE id = %s AND seq IS NULL",
                        [seq, prev, own, row["id"]],
                    )
                    if cursor.rowcount != 1:
                        raise RuntimeError(f"Audit event {row['id']} was linked by another")
                    prev = own
        linked += len(rows)
        if len(rows) < batch:
            break
    return linked


def unlinked(model, *, older_than: timedelta = UNLINKED_TOO_LONG) -> tuple[int, datetime | None]:
    """How many committed events are still unlinked `older_than` after they were recorded, and
    when the oldest of them was."""
    waiting = model.objects.filter(seq__isnull=True, at__lt=clock.now() - older_than)
    return waiting.count(), waiting.order_by("at").values_list("at", flat=True).first()


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
    """Why an event's previous hash is not the hash of the event before it in the chain's order
    (`before`, that event's id)."""
    where = "the start of the trail" if before is None else f"event {before}"
    found = model.objects.filter(hash=row["prev_hash"]).values("id", "seq").first()
    if found is not None and found["seq"] is not None and found["seq"] > row["seq"]:
        return (
            f"it follows event {found['id']}, which comes after it: the events have been "
            f"reordered (expected to follow {where})"
        )
    if found is not None:
        return f"it follows event {found['id']}, not {where}: events between them have been removed"
    if row["prev_hash"] == GENESIS:
        return f"it claims to start the trail, but follows {where}"
    if before is None:
        return "the events before it have been removed (the trail does not start at its beginning)"
    return f"the event it follows is gone or altered (expected {where})"


def verify(model, *, chunk: int = 5000) -> Result:
    """Walk the linked events in the chain's order (`seq`), `chunk` events at a time, to the
    first broken link. Events not yet linked are not walked (link_pending first)."""
    result = Result()
    prev, prev_id, after = GENESIS, None, 0
    while True:
        rows = list(model.objects.filter(seq__gt=after).order_by("seq").values(*FIELDS)[:chunk])
        if not rows:
            return result
        for row in rows:
            if row["prev_hash"] != prev:
                result.broken_at = row["id"]
                result.problem = _missing_link(model, row, prev_id)
                return result
            fields = {name: row[name] for name in FIELDS[4:]}
            if digest(prev_hash=row["prev_hash"], **fields) != row["hash"]:
                result.broken_at = row["id"]
                result.problem = "its content does not match its hash: it has been altered"
                return result
            result.events += 1
            result.first_at = result.first_at or row["at"]
            result.last_at = row["at"]
            prev, prev_id = row["hash"], row["id"]
        result.head = prev
        after = rows[-1]["seq"]


def head(model) -> str:
    """The hash of the last linked event (GENESIS for none)."""
    found = model.objects.filter(seq__isnull=False).order_by("-seq").values_list("hash", flat=True)
    return found.first() or GENESIS


def holds(model, noted: str) -> bool:
    """Whether `noted`, a head hash noted earlier, is still in the chain: the last linked event's
    hash, or the previous hash of a later one."""
    return model.objects.filter(prev_hash=noted).exists() or head(model) == noted
