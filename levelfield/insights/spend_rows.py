"""Spend lines as rows of the snapshot's payments table (tables.PAYMENTS), for the snapshot
writer.

`payment_rows(since)` gives the lines of complete files whose revision is after `since` (a
line takes a new revision when its file completes and whenever its match changes, e.g. a
person resolves its supplier), with the revision to pass next time. A line can therefore come
again with a new match: the writer keeps one row per (file, line), the latest. `file` is the
file's name, followed by the start of its SHA-256 when an earlier file had the same name, so
(file, line) names one line."""

from collections.abc import Iterator

from .matching import name_key
from .models import SpendFile, SpendLine, SpendRevision
from .tables import quarter_of

CHUNK = 5000


def watermark() -> int:
    """The last revision committed (a revision handed out in a transaction still open is above
    it: the counter's row stays locked until that commit)."""
    return SpendRevision.objects.filter(pk=1).values_list("last", flat=True).first() or 0


def file_label(spend_file) -> str:
    """The file's name; with the start of its SHA-256 when an earlier file had the same name."""
    earlier = SpendFile.objects.filter(name=spend_file.name, pk__lt=spend_file.pk).exists()
    return f"{spend_file.name} ({spend_file.sha256[:12]})" if earlier else spend_file.name


def _rows(since: int, until: int) -> Iterator[dict]:
    lines = (
        SpendLine.objects.filter(file__complete=True, revision__gt=since, revision__lte=until)
        .select_related("file", "organisation")
        .order_by("revision", "pk")
    )
    labels: dict[int, str] = {}
    for line in lines.iterator(chunk_size=CHUNK):
        if line.file_id not in labels:
            labels[line.file_id] = file_label(line.file)
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
            "file": labels[line.file_id],
            "line": line.line,
        }


def payment_rows(since: int | None) -> tuple[Iterator[dict], int | None]:
    """(rows, new watermark): the rows (an iterator, in the shape of tables.PAYMENTS) of the
    lines changed after revision `since` (None or 0: all of them)."""
    until = watermark()
    if until <= int(since or 0):
        return iter(()), since  # nothing new: the watermark as it was
    return _rows(int(since or 0), until), until
