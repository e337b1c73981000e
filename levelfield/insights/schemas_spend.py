"""Shapes of the spend API: imported files with their match rate, supplier names not matched."""

from ninja import Field, Schema

from levelfield.core.api_helpers import DecimalString, UtcDateTime


class SpendFileOut(Schema):
    id: int
    name: str = Field(description="The file's name when it was first imported")
    sha256: str = Field(description="SHA-256 of its bytes: the same file again is skipped")
    size: int = Field(description="Bytes")
    rows: int = Field(description="Payment rows in the file")
    stored: int = Field(description="Payment rows stored so far (all of them once complete)")
    complete: bool = Field(description="False while an interrupted import is to be continued")
    matched: int = Field(description="Rows whose supplier is matched to a known organisation")
    match_rate: float | None = Field(
        description="matched / stored, from 0 to 1; null with nothing stored"
    )
    amount: DecimalString | None = Field(description="Total of the stored rows, pounds")
    amount_matched: DecimalString | None = Field(description="Total of the matched rows, pounds")
    started: UtcDateTime
    updated: UtcDateTime

    @staticmethod
    def resolve_stored(obj) -> int:
        return obj.lines_count

    @staticmethod
    def resolve_match_rate(obj) -> float | None:
        return round(obj.matched / obj.lines_count, 4) if obj.lines_count else None


class UnmatchedSupplierOut(Schema):
    name_key: str = Field(
        description="The name normalised (lower case, punctuation, legal forms, 'The' and "
        "'and' left out): what a resolution on the page /insights/spend/unmatched/ is kept for"
    )
    supplier_name: str = Field(description="One spelling of the name, as a file wrote it")
    lines: int = Field(description="Payments to it, in complete files")
    total: DecimalString = Field(description="Their total, pounds")

    @staticmethod
    def resolve_name_key(obj) -> str:
        return obj["supplier_key"]
