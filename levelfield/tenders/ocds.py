"""The tender as OCDS release fragments (the UK4 tender notice, amendments, UK12 termination).

Only what is public goes in: never a draft, never anything about bids before the deadline."""

from levelfield.core import clock
from levelfield.core.ocds import (  # noqa: F401 (ocds_datetime is used by actions)
    PLATFORM_SCHEME,
    absolute_url,
    compact,
    money,
    ocds_datetime,
    ocds_end_of_day,
    platform_party_id,
)
from levelfield.opendata.publisher import ocid_for, publish

from .lifecycle import Status
from .models import PriceFormula, Question, Tender

OCDS_TENDER_STATUS: dict[str, str] = {
    Status.PUBLISHED: "active",
    Status.EVALUATION: "active",
    Status.AWARD_DECIDED: "active",
    Status.STANDSTILL: "active",
    Status.CONTRACT_SIGNED: "complete",
    Status.CANCELLED: "cancelled",
}

PRICE_FORMULA_DESCRIPTION = {
    PriceFormula.LOWEST_PRICE: "Price score = lowest price / bid price x price weight.",
    PriceFormula.PROPORTIONAL: "Price score = price weight x (1 - (bid price - lowest price) / "
    "lowest price), not below 0.",
    PriceFormula.PRICE_PER_QUALITY_POINT: "Price per quality point = bid price / quality and "
    "social value score; the lowest wins.",
}


def ocid(tender: Tender) -> str:
    return ocid_for(tender.reference)


def organisation_id(organisation) -> str:
    return platform_party_id(organisation)


def record_url(tender: Tender) -> str | None:
    """Where the tender's OCDS record is served, once anything about it has been published."""
    from levelfield.opendata.models import Record

    if tender.published_at is None or not Record.objects.filter(ocid=ocid(tender)).exists():
        return None
    return f"/api/ocds/records/{ocid(tender)}"


def organisation_party(organisation, roles: list[str]) -> dict:
    """An organisation as an OCDS party, by its platform identifier."""
    return {
        "id": organisation_id(organisation),
        "name": organisation.name,
        "identifier": {
            "scheme": PLATFORM_SCHEME,
            "id": str(organisation.pk),
            "legalName": organisation.name,
        },
        "roles": roles,
    }


def buyer_party(tender: Tender) -> dict:
    return organisation_party(tender.buyer, ["buyer", "procuringEntity"])


def _criteria(lot) -> dict:
    criteria = []
    if lot.price_formula != PriceFormula.PRICE_PER_QUALITY_POINT:
        criteria.append(
            {
                "type": "price",
                "name": "Price",
                "description": PRICE_FORMULA_DESCRIPTION[lot.price_formula],
                "numbers": [{"number": float(lot.price_weight), "weight": "percentageExact"}],
            }
        )
    for question in lot.questions.all():
        kind = "Social value" if question.kind == Question.Kind.SOCIAL_VALUE else "Quality"
        scale = "; ".join(f"{level['score']}: {level['descriptor']}" for level in question.scale)
        criteria.append(
            {
                "type": "quality",
                "name": f"{kind}: question {question.number}",
                "description": f"{question.text} Scoring scale: {scale}",
                "numbers": [{"number": float(question.weight), "weight": "percentageExact"}],
            }
        )
    description = PRICE_FORMULA_DESCRIPTION[lot.price_formula]
    if lot.quality_threshold is not None:
        description += (
            f" Bids scoring below {lot.quality_threshold:g}% of the quality points "
            "available are disqualified before price is considered."
        )
    description += f" Tie-break: {lot.get_tie_break_display().lower()}."
    return {
        "weightingDescription": "Weights are percentages of the total score.",
        "description": description,
        "criteria": criteria,
    }


def _version_words(document) -> str | None:
    """Amended documents: every version stays published, saying which is which."""
    if document.superseded_at:
        return f"Version {document.version}, replaced by a new version on " + (
            f"{ocds_datetime(document.superseded_at)}"
        )
    if document.withdrawn_at:
        return f"Version {document.version}, withdrawn on {ocds_datetime(document.withdrawn_at)}"
    if document.replaces_id:
        return f"Version {document.version}"
    return None


def tender_section(tender: Tender) -> dict:
    lots = list(tender.lots.prefetch_related("questions"))
    cpv = [c.code for c in tender.cpv_codes.all()]
    period = {
        "startDate": ocds_datetime(tender.published_at),
        "endDate": ocds_datetime(tender.submission_deadline),
    }
    contract_period = {
        "startDate": ocds_datetime(tender.contract_start),
        "endDate": ocds_end_of_day(tender.contract_end),
    }
    return {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.description,
        "status": OCDS_TENDER_STATUS.get(tender.status, "active"),
        "procuringEntity": {"id": organisation_id(tender.buyer), "name": tender.buyer.name},
        "value": money(tender.estimated_value),
        "procurementMethod": "open",
        "procurementMethodDetails": "Open procedure (Procurement Act 2023 s.20(2)(a))",
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": absolute_url("public:opportunity", tender.reference),
        "tenderPeriod": period,
        "enquiryPeriod": {
            "startDate": period["startDate"],
            "endDate": ocds_datetime(tender.clarification_deadline),
        },
        "awardPeriod": {
            "startDate": ocds_datetime(tender.submission_deadline),
            "endDate": ocds_end_of_day(tender.expected_award_date),
        },
        "contractPeriod": contract_period,
        "suitability": {"sme": tender.suitable_for_sme, "vcse": tender.suitable_for_vcse},
        "items": [
            {
                "id": str(lot.number),
                "description": lot.title,
                "classification": {"scheme": "CPV", "id": cpv[0]} if cpv else None,
                "additionalClassifications": [{"scheme": "CPV", "id": code} for code in cpv[1:]],
                "relatedLot": str(lot.number),
                "deliveryAddresses": [{"region": tender.get_region_display()}]
                if tender.region
                else None,
            }
            for lot in lots
        ],
        "lots": [
            {
                "id": str(lot.number),
                "title": lot.title,
                "description": lot.description or None,
                "status": OCDS_TENDER_STATUS.get(tender.status, "active"),
                "value": money(lot.estimated_value),
                "contractPeriod": contract_period,
                "suitability": {"sme": tender.suitable_for_sme, "vcse": tender.suitable_for_vcse},
                "awardCriteria": _criteria(lot),
            }
            for lot in lots
        ],
        "documents": [
            {
                "id": f"document-{document.pk}",
                "documentType": "tenderNotice"
                if document.doc_type == "specification"
                else "biddingDocuments",
                "title": document.title,
                "url": absolute_url("public:document", tender.reference, document.pk),
                "datePublished": ocds_datetime(document.uploaded_at),
                "format": "application/pdf" if document.file.name.endswith(".pdf") else None,
                "description": _version_words(document),
            }
            for document in tender.documents.all()
        ],
    }


def notice(tender: Tender, notice_type: str, document_type: str, title: str, at) -> dict:
    """The notice itself, as a document carrying the UK notice code (UK extension)."""
    return {
        "id": f"notice-{notice_type}-{at:%Y%m%dT%H%M%S%f}",
        "documentType": document_type,
        "noticeType": notice_type,
        "title": title,
        "url": absolute_url("public:opportunity", tender.reference),
        "datePublished": ocds_datetime(at),
    }


def publish_tender_notice(
    tender: Tender,
    *,
    tags: list[str],
    notice_type: str,
    document_type: str,
    title: str,
    extra: dict | None = None,
):
    """Write one release for the tender as it now stands, with the notice that announced it."""
    section = tender_section(tender)
    section["documents"].insert(0, notice(tender, notice_type, document_type, title, clock.now()))
    section.update(extra or {})
    data = {
        "parties": [buyer_party(tender)],
        "buyer": {"id": organisation_id(tender.buyer), "name": tender.buyer.name},
        "tender": section,
    }
    return publish(
        ocid=ocid(tender), tags=tags, data=compact(data), buyer_id=organisation_id(tender.buyer)
    )
