"""Contract changes and endings as OCDS releases: the UK10 contract change notice (release tag
contractAmendment, an Amendment with the UK extension's value, period and standstill) and the
UK11 contract termination notice (tag contractTermination, document contractTerminationNotice),
which the UK extension's codelist describes as covering both an early termination and "the
successful completion of the contract"; s.80 and the Cabinet Office's guidance likewise count
every way a contract comes to an end as its termination. A completion adds the contract
completion extension's implementation.finalValue and endDate."""

from levelfield.core.ocds import money, ocds_datetime, ocds_end_of_day

from .models.notices import NoticeType
from .ocds import publish_contract_notice

TERMINATION_SCHEME = "LF-TERMINATION-REASON"


def amendment(change, *, standstill: bool) -> dict:
    """The change as the UK extension's Amendment: the contract as it will be once changed."""
    contract = change.contract
    what = []
    if change.value_after != change.value_before:
        what.append(f"value from £{change.value_before:,.2f} to £{change.value_after:,.2f}")
    if change.end_date_after != change.end_date_before:
        what.append(
            f"end date from {change.end_date_before:%d %B %Y} to {change.end_date_after:%d %B %Y}"
        )
    return {
        "id": f"amendment-{change.number}",
        "date": ocds_datetime(change.recorded_at),
        "rationale": change.description,
        "description": (
            f"{change.get_kind_display()}: "
            + ("; ".join(what) if what else "no change in value or term")
        ),
        "value": money(change.value_after),
        "period": {
            "startDate": ocds_datetime(contract.start_date),
            "endDate": ocds_end_of_day(change.end_date_after),
        },
        # UK extension: whether the time from this notice to the change is a standstill (s.76).
        "standstill": standstill,
    }


def publish_change_notice(change, *, standstill: bool):
    """UK10, before the change is made: the contract as it stands, with the amendment."""
    return publish_contract_notice(
        change.contract,
        tags=["contractAmendment"],
        notice_type=NoticeType.UK10,
        document_type="contractNotice",
        title="Contract change notice",
        key=str(change.number),
        contract_extra={"amendments": [amendment(change, standstill=standstill)]},
    )


def termination_classification(code: str, label: str, reason: str = "") -> dict:
    """The UK extension's Classification of why the contract ended: the kind of reason as id and
    label, with the buyer's own words, when given, in its description (the words the
    termination form promises are published)."""
    reason = (reason or "").strip()
    description = f"{label}: {reason}" if reason else label
    return {"scheme": TERMINATION_SCHEME, "id": code, "description": description}


def publish_termination_notice(contract, *, code: str, label: str, reason: str):
    """UK11 for an early termination: the contract, now terminated, with the reason's
    classification and the reason in the buyer's words (the array the UK extension now uses,
    and the single field it deprecates, which readers of earlier Find a Tender data still look
    for)."""
    classification = termination_classification(code, label, reason)
    return publish_contract_notice(
        contract,
        tags=["contractTermination"],
        notice_type=NoticeType.UK11,
        document_type="contractTerminationNotice",
        title="Contract termination notice",
        key="termination",
        contract_extra={
            "terminationRationaleClassifications": [classification],
            "terminationRationaleClassification": classification,
            "implementation": _completion(contract),
        },
    )


def publish_completion_notice(contract):
    """UK11 for a contract that came to its end: completed, with its final value and the date
    delivery ended (contract completion extension)."""
    return publish_contract_notice(
        contract,
        tags=["contractTermination"],
        notice_type=NoticeType.UK11,
        document_type="contractTerminationNotice",
        title="Contract termination notice (completed)",
        key="completion",
        contract_extra={
            "terminationRationaleClassifications": [
                termination_classification("completed", "Completed: the contract came to its end")
            ],
            "implementation": _completion(contract),
        },
    )


def _completion(contract) -> dict:
    section: dict[str, object] = {}
    if contract.final_end_date:
        section["endDate"] = ocds_end_of_day(contract.final_end_date)
        if contract.final_end_date != contract.end_date:
            section["endDateDetails"] = (
                f"Delivery ended on {contract.final_end_date:%d %B %Y}; the contract's end date "
                f"was {contract.end_date:%d %B %Y}."
            )
    if contract.final_value is not None:
        section["finalValue"] = money(contract.final_value)
        if contract.final_value != contract.value:
            section["finalValueDetails"] = (
                f"£{contract.final_value:,.2f} paid in all; the contract's value was "
                f"£{contract.value:,.2f}."
            )
    return section
