"""API bodies and answers for amending a published tender."""

from typing import Annotated

from ninja import Field, Schema
from pydantic import AwareDatetime

from levelfield.core.api_helpers import FormText, InputSchema, UtcDateTime

# A document id as the database stores it (a big integer): a larger number is refused as a 422
# rather than reaching the database.
DocumentId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class AmendmentIn(InputSchema):
    """Send the reason and at least one change. Deadlines may be extended; the submission
    deadline may be brought forward only while the Procurement Act 2023 s.54 minimum
    tendering period still holds from publication. To replace a document with a new version,
    use the document's `versions` endpoint (a file upload)."""

    reason: str = Field(
        min_length=1,
        max_length=5000,
        description="Why: published with the amendment and emailed to interested suppliers",
    )
    clarification_deadline: AwareDatetime | None = None
    submission_deadline: AwareDatetime | None = None
    withdraw_documents: list[DocumentId] = Field(
        default_factory=list, max_length=100, description="Ids of current documents to withdraw"
    )


class DocumentVersionIn(InputSchema):
    reason: FormText = Field(min_length=1, max_length=5000, description="Why the new version")


class AmendmentOut(Schema):
    number: int
    made_at: UtcDateTime
    reason: str
    changes: list[str] = Field(description="What changed, in words")


class DocumentVersionOut(Schema):
    id: int
    title: str
    version: int
    current: bool
    replaces: int | None = Field(description="Id of the version this one replaced")
    uploaded_at: UtcDateTime
    superseded_at: UtcDateTime | None
    withdrawn_at: UtcDateTime | None
    url: str = Field(description="Download link: every version stays downloadable")
