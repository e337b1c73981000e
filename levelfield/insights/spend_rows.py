"""Spend lines as rows of the snapshot's payments table (tables.PAYMENTS), for the snapshot
writer.

`payment_rows(since)` gives the lines of complete files whose revision is after `since` (a
line takes a new revision when its file completes and whenever its match changes, e.g. a
person resolves its supplier), with the revision to pass next time. A line can therefore come
again with a new match: the writer keeps one row per (file, line), the latest."""

from collections.abc import Iterator

from .matching import name_key
from .models import SpendLine, SpendRevision
from .tables import quarter_of

CHUNK = 5000


def watermark() -> int:
    """The last revision committed (a revision handed out in a transaction still open is above
    it: the counter's row stays locked until that commit)."""
    return SpendRevision.objects.filter(pk=1).values_list("last", flat=True).first() or 0


def _rows(since: int, until: int) -> Iterator[dict]:
    lines = (
        SpendLine.objects.filter(file__complete=True, revision__gt=since, revision__lte=until)
        .select_related("file", "organisation")
        .order_by("revision", "pk")
    )
    for line in lines.iterator(chunk_size=CHUNK):
        org = line.organisation
        yield {
            "source": "spend",
            "ocid": None,
            "buyer_id": name_key(line.body) or None,
            "buyer_name": line.body or None,
            "supplier_id": org.identifier if org else None,
            "supplier_name": line.supplier_name,
            "supplier_ch": line.supplier_ch or (org.ch if org and org.ch else None),
            "sme": org.sme if org else None,
            "vcse": org.vcse if org else None,
            "amount": float(line.amount),
            "date": line.date,
            "quarter": quarter_of(line.date),
            "cpv_division": None,
            "region": None,
            "expense_type": line.expense_type or None,
            "transaction_id": line.transaction_number or None,
            "file": line.file.name,
            "line": line.line,
        }


def payment_rows(since: int | None) -> tuple[Iterator[dict], int]:
    """(rows, new watermark): the rows (an iterator, in the shape of tables.PAYMENTS) of the
    lines changed after revision `since` (None or 0: all of them)."""
    since = int(since or 0)
    until = watermark()
    return _rows(since, until), until
