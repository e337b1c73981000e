"""The frozen shortlist of a project as a download (CSV or XLSX), as the buyer compared it:
from each entry's snapshot, never the listing as it is now. Cells go through core.spreadsheets'
safe writers, so a supplier's service name cannot open as a formula."""

import io
from decimal import Decimal

from levelfield.core import spreadsheets

HEADER = [
    "Position",
    "Service",
    "Supplier",
    "Supplier size",
    "VCSE",
    "Price (GBP)",
    "Price unit",
    "Framework",
    "Lot",
    "Lot title",
    "Category",
    "Listing version",
]

# The kinds of download: content type and file extension.
DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def shortlist_rows(entries) -> list[list]:
    rows: list[list] = [HEADER]
    for entry in entries:
        snap = entry.snapshot
        rows.append(
            [
                entry.position,
                snap.get("name", ""),
                snap.get("supplier", ""),
                snap.get("supplier_size", ""),
                "yes" if snap.get("supplier_is_vcse") else "no",
                Decimal(snap["price"]) if snap.get("price") else "",
                snap.get("price_unit", ""),
                snap.get("framework", ""),
                snap.get("lot", ""),
                snap.get("lot_title", ""),
                snap.get("category", ""),
                entry.listing_version.number,
            ]
        )
    return rows


def shortlist_file(project, entries, kind: str) -> tuple[bytes, str, str]:
    """The shortlist as (body, content type, file name) for `kind` (a key of DOWNLOADS)."""
    content_type, extension = DOWNLOADS[kind]
    rows = shortlist_rows(entries)
    if kind == "csv":
        out = io.StringIO()
        spreadsheets.csv_writer(out, lineterminator="\r\n").writerows(rows)
        body = out.getvalue().encode("utf-8")
    else:
        body = spreadsheets.xlsx_bytes(rows, sheet_name="Shortlist")
    return body, content_type, f"shortlist-{project.reference}.{extension}"
