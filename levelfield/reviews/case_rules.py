"""The rules a case's details must meet, checked once here and reused by the actions (so by the
pages' forms and the API's schemas, which show each refusal beside its field: `FIELD_FOR_CODE`).

Each check raises `DomainError` with a stable code; the message says what to do."""

from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta

from levelfield.core.errors import DomainError

DESCRIPTION_MAX = 10_000
TEXT_MAX = 10_000
NAME_MAX = 200
REFERENCE_MAX = 100
LOOKBACK_YEARS = 2  # the service takes concerns about procurements in the last 2 years
MAX_EVIDENCE_FILES = 10
MAX_DOCUMENTS = 10

# The form field (page and API) each refusal belongs beside.
FIELD_FOR_CODE: dict[str, str] = {
    "kind_unknown": "kind",
    "description_required": "description",
    "description_too_long": "description",
    "procurement_required": "tender",
    "tender_not_published": "tender",
    "procurement_too_old": "procurement_date",
    "procurement_date_required": "procurement_date",
    "procurement_date_future": "procurement_date",
    "notice_reference_required": "notice_reference",
    "authority_required": "authority_name",
    "authority_not_buyer": "authority",
    "contract_required": "contract",
    "prime_contractor_required": "prime_contractor_name",
    "invoice_required": "invoice",
    "invoice_not_on_contract": "invoice",
    "invoice_not_late": "invoice",
    "invoice_amount_invalid": "invoice_amount",
    "invoice_received_on_required": "invoice_received_on",
    "invoice_received_on_future": "invoice_received_on",
    "anonymous_invoice": "buyer_may_know",
    "not_your_organisation": "raiser_organisation",
    "not_your_invoice": "invoice",
    "too_many_files": "evidence",
    "validation_error": "evidence",
    "reason_required": "reason",
    "question_required": "question",
    "due_on_required": "due_on",
    "due_on_past": "due_on",
    "not_asked_about_case": "organisation",
    "response_required": "response",
    "findings_required": "findings",
    "recommendations_required": "recommendations",
    "note_required": "note",
    "outcome_unknown": "outcome",
    "summary_required": "summary",
    "amount_invalid": "amount_unblocked",
    "names_the_raiser": "text",
}


def required_text(value: str | None, *, code: str, message: str, limit: int = TEXT_MAX) -> str:
    """`value` stripped; refused when empty (`code`) or over `limit` characters."""
    text = (value or "").strip()
    if not text:
        raise DomainError(message, code=code)
    if len(text) > limit:
        raise DomainError(f"Write {limit:,} characters or fewer", code=code)
    return text


def clean_description(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(
            "Say what happened: what the buyer or contractor did, and when",
            code="description_required",
        )
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            f"Describe what happened in {DESCRIPTION_MAX:,} characters or fewer",
            code="description_too_long",
        )
    return text


def earliest_procurement_date(today: date) -> date:
    """The oldest procurement the service takes a concern about, on `today`."""
    return today - relativedelta(years=LOOKBACK_YEARS)


def check_procurement_date(day: date | None, today: date) -> date:
    if day is None:
        raise DomainError(
            "Enter when the procurement was advertised or the contract awarded",
            code="procurement_date_required",
        )
    if day > today:
        raise DomainError(
            "The procurement's date must be today or in the past", code="procurement_date_future"
        )
    if day < earliest_procurement_date(today):
        raise DomainError(
            "The service looks at procurements from the last 2 years only: this one is older",
            code="procurement_too_old",
        )
    return day


def clean_amount(value, *, code: str, message: str, allow_zero: bool = False) -> Decimal:
    """A sum in pounds (a Decimal, or a string of digits): positive, or zero when allowed."""
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except (InvalidOperation, ValueError):
        raise DomainError(message, code=code) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(message, code=code)
    if amount >= Decimal("1e12"):
        raise DomainError(message, code=code)
    return amount.quantize(Decimal("0.01"))


def check_due_on(due_on: date | None, today: date) -> date:
    if due_on is None:
        raise DomainError("Enter the date the response is due", code="due_on_required")
    if due_on <= today:
        raise DomainError("The response must be due after today", code="due_on_past")
    return due_on


def raiser_words(case) -> list[str]:
    """What would identify the raiser of `case` in a text a respondent reads: their name, their
    email address and the part before its @, and their organisation's name."""
    user = case.raised_by
    words = [user.full_name, user.email, user.email.split("@", 1)[0]]
    if case.raiser_organisation is not None:
        words.append(case.raiser_organisation.name)
    return [w.strip() for w in words if w and len(w.strip()) >= 3]


def check_no_raiser(case, text: str, *, field: str) -> str:
    """Refuse, for an anonymous case, a text a respondent or the public will read that names the
    raiser (their name, email or organisation)."""
    if case.buyer_may_know or not text:
        return text
    lowered = text.casefold()
    if any(word.casefold() in lowered for word in raiser_words(case)):
        raise DomainError(
            f"The {field} names the person or organisation that raised this anonymous case: "
            "take their name out, as the buyer must not learn who raised it",
            code="names_the_raiser",
        )
    return text
