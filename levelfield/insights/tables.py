"""The snapshot tables the measures read: their names and columns, one schema each.

`snapshot` writes them as Parquet from the stores (the platform's published records, the
compiled releases `import-ocds` stored, the spend lines `import-spend` stored); the measures
(Ibis expressions) read them on DuckDB or Spark; tests and benchmarks build them by hand with
the same schemas. A column that the data does not give is null, never guessed.

Common columns: `source` is "platform" (our published records), "imported" (OCDS from
`import-ocds`) or "spend" (a spend file); `buyer_id`/`buyer_name` are the OCDS buyer party
(or, for spend, the publishing body as written in the file); `quarter` is the calendar quarter
of the row's date as "2026-Q1" (financial years are derived from the date when needed);
`cpv_division` is the first two digits of the main CPV code; `region` is the ITL/NUTS code the
data gives; `sme`/`vcse` are the organisation's status as published (OCDS party
`details.scale` "sme"/"large", the UK extension's VCSE flag), or as matched (spend)."""

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

#: One row per award and supplier (a consortium's members each get a row with the award).
AWARDS = pa.schema(
    [
        ("source", pa.string()),
        ("ocid", pa.string()),
        ("buyer_id", pa.string()),
        ("buyer_name", pa.string()),
        ("title", pa.string()),
        ("procurement_method", pa.string()),  # open, selective, limited, direct
        ("main_category", pa.string()),  # goods, works, services
        ("cpv_division", pa.string()),
        ("region", pa.string()),
        ("tender_start", _TS),  # tender.tenderPeriod.startDate
        ("tender_end", _TS),  # tender.tenderPeriod.endDate
        ("tender_value", pa.float64()),
        ("number_of_tenderers", pa.int64()),
        ("award_id", pa.string()),
        ("award_date", pa.date32()),
        ("award_status", pa.string()),
        ("supplier_id", pa.string()),
        ("supplier_name", pa.string()),
        ("supplier_ch", pa.string()),  # Companies House number, when the party gives one
        ("sme", pa.bool_()),
        ("vcse", pa.bool_()),
        ("value", pa.float64()),  # the award's value (pounds)
        ("contract_start", pa.date32()),
        ("contract_end", pa.date32()),
        ("quarter", pa.string()),  # of award_date
        ("notice_url", pa.string()),  # the notice's own page (imported), for links; else null
    ]
)

#: One row per bid (OCDS bids extension), for access and red flags.
BIDS = pa.schema(
    [
        ("source", pa.string()),
        ("ocid", pa.string()),
        ("buyer_id", pa.string()),
        ("procurement_method", pa.string()),
        ("main_category", pa.string()),
        ("cpv_division", pa.string()),
        ("bid_id", pa.string()),
        ("tenderer_id", pa.string()),
        ("tenderer_name", pa.string()),
        ("sme", pa.bool_()),
        ("vcse", pa.bool_()),
        ("value", pa.float64()),
        ("status", pa.string()),  # OCDS bidStatus: valid, disqualified, withdrawn, pending, ...
        ("won", pa.bool_()),  # the tenderer is a supplier of an active award of the process
        ("date", _TS),
        ("quarter", pa.string()),
    ]
)

#: One row per subcontractor of an award, with the value it is given (indirect spend).
SUBCONTRACTS = pa.schema(
    [
        ("source", pa.string()),
        ("ocid", pa.string()),
        ("award_id", pa.string()),
        ("buyer_id", pa.string()),
        ("buyer_name", pa.string()),
        ("prime_id", pa.string()),
        ("prime_name", pa.string()),
        ("name", pa.string()),
        ("ch", pa.string()),
        ("sme", pa.bool_()),
        ("vcse", pa.bool_()),
        ("value", pa.float64()),
        ("cpv_division", pa.string()),
        ("region", pa.string()),
        ("date", pa.date32()),
        ("quarter", pa.string()),
    ]
)

#: One row per payment: contract transactions from OCDS, and spend file lines.
PAYMENTS = pa.schema(
    [
        ("source", pa.string()),
        ("ocid", pa.string()),  # null for a spend line
        ("buyer_id", pa.string()),
        ("buyer_name", pa.string()),
        ("supplier_id", pa.string()),  # the matched organisation, null when unmatched
        ("supplier_name", pa.string()),  # as written in the data
        ("supplier_ch", pa.string()),
        ("sme", pa.bool_()),
        ("vcse", pa.bool_()),
        ("amount", pa.float64()),
        ("date", pa.date32()),
        ("quarter", pa.string()),
        ("cpv_division", pa.string()),
        ("region", pa.string()),
        ("expense_type", pa.string()),
        ("transaction_id", pa.string()),
        ("file", pa.string()),  # spend: the file's name
        ("line", pa.int64()),  # spend: the line in that file
    ]
)

TABLES: dict[str, pa.Schema] = {
    "awards": AWARDS,
    "bids": BIDS,
    "subcontracts": SUBCONTRACTS,
    "payments": PAYMENTS,
}


def quarter_of(day) -> str | None:
    """ "2026-Q1" for any day in January to March 2026; None for no day."""
    if day is None:
        return None
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
