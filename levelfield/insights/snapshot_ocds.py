"""A compiled OCDS release flattened into rows of the snapshot tables (tables.py).

The same code reads the platform's compiled records and the compiled releases `import-ocds`
stored (Contracts Finder, Find a Tender): what a release does not give stays None.

Where each column comes from:
- buyer: `buyer` (else the party with the role "buyer"); CPV division: the first CPV code of
  `tender.classification`, then of the items (opendata.opportunities.cpv_codes); region: the
  first NUTS/ITL 1 code of the tender's or items' `deliveryAddresses[].region`, which Find a
  Tender writes as a code and Contracts Finder and this platform as a name ("North East").
- sme: the party's `details.scale` (partyDetails_scale extension): "sme", "micro", "small",
  "medium", "selfEmployed" are SMEs, "large" is not; vcse: `details.vcse` (UK extension).
- Companies House number: an additional identifier (or the identifier) with scheme "GB-COH".
- Subcontracts: `awards[].subcontracting.subcontracts` (subcontracting extension), the prime
  being the first of `mainContractors` or of the award's suppliers. A subcontract's value is
  its own `value` where given; where the award subcontracts to one organisation, the
  subcontracting's `value`; this platform's releases give each subcontractor's percentage in
  the subcontracting's description ("Name (12.5%): ..."), which shares out that value.
  Otherwise None.
- Payments: `contracts[].implementation.transactions`, paid to the transaction's `payee` (or
  the OCDS 1.0 `receiverOrganization`), else to the contract's award's only supplier."""

import re
from datetime import UTC, date, datetime

from levelfield.opendata.opportunities import cpv_codes, regions

from .tables import quarter_of

SME_SCALES = {"sme", "micro", "small", "medium", "selfEmployed"}
WON_STATUSES = {"active", "pending"}
_PERCENT = re.compile(r"(?:^|;\s*)(.+?)\s*\(([0-9]+(?:\.[0-9]+)?)%\)")


def flatten(compiled: dict, source: str) -> dict[str, list[dict]]:
    """{"awards": [...], "bids": [...], "subcontracts": [...], "payments": [...]} for one
    compiled release; each row a dict of that table's columns (missing ones are None)."""
    ocid = compiled.get("ocid")
    tender = _dict(compiled.get("tender"))
    parties = {p.get("id"): p for p in _list(compiled.get("parties")) if isinstance(p, dict)}
    buyer = _dict(compiled.get("buyer")) or next(
        (p for p in parties.values() if "buyer" in _list(p.get("roles"))), {}
    )
    codes = cpv_codes(tender)
    places = regions(tender)
    process = {
        "source": source,
        "ocid": ocid,
        "buyer_id": _str(buyer.get("id")),
        "buyer_name": _str(buyer.get("name")),
        "cpv_division": codes[0][:2] if codes else None,
        "region": places[0] if places else None,
    }
    tender_period = _dict(tender.get("tenderPeriod"))
    awards = [a for a in _list(compiled.get("awards")) if isinstance(a, dict)]
    contracts = [c for c in _list(compiled.get("contracts")) if isinstance(c, dict)]
    common = {
        **process,
        "title": _str(tender.get("title")),
        "procurement_method": _str(tender.get("procurementMethod")),
        "main_category": _str(tender.get("mainProcurementCategory")),
        "tender_start": _timestamp(tender_period.get("startDate")),
        "tender_end": _timestamp(tender_period.get("endDate")),
        "tender_value": _amount(tender.get("value")),
        "number_of_tenderers": _tenderers(compiled, tender),
    }
    out: dict[str, list[dict]] = {"awards": [], "bids": [], "subcontracts": [], "payments": []}
    winners: set = set()
    for award in awards:
        suppliers = [s for s in _list(award.get("suppliers")) if isinstance(s, dict)]
        if _str(award.get("status")) in WON_STATUSES:
            winners.update(s.get("id") for s in suppliers)
        out["awards"].extend(_award_rows(common, award, suppliers, contracts, parties))
        out["subcontracts"].extend(_subcontract_rows(process, award, suppliers, parties))
    out["bids"] = _bid_rows(process, common, compiled, parties, winners)
    out["payments"] = _payment_rows(process, contracts, awards, parties)
    return out


def party_status(party: dict | None) -> tuple[bool | None, bool | None]:
    """(sme, vcse) as the party publishes them; None where it does not say."""
    details = _dict((party or {}).get("details"))
    scale = details.get("scale")
    sme = None if not isinstance(scale, str) else scale in SME_SCALES
    vcse = details.get("vcse") if isinstance(details.get("vcse"), bool) else None
    return sme, vcse


def companies_house(party: dict | None) -> str | None:
    party = party or {}
    for identifier in [party.get("identifier"), *_list(party.get("additionalIdentifiers"))]:
        if isinstance(identifier, dict) and identifier.get("scheme") == "GB-COH":
            number = _str(identifier.get("id"))
            if number:
                return number.strip().upper()
    party_id = _str(party.get("id")) or ""
    if party_id.startswith("GB-COH-"):
        return party_id.removeprefix("GB-COH-").upper()
    return None


def _organisation(reference: dict, parties: dict) -> dict:
    party = parties.get(reference.get("id")) or {}
    sme, vcse = party_status(party)
    return {
        "id": _str(reference.get("id")),
        "name": _str(reference.get("name") or party.get("name")),
        "ch": companies_house(party) or companies_house(reference),
        "sme": sme,
        "vcse": vcse,
    }


def _award_rows(common, award, suppliers, contracts, parties) -> list[dict]:
    award_day = _day(award.get("date"))
    contract: dict = next((c for c in contracts if c.get("awardID") == award.get("id")), {})
    period = _dict(contract.get("period")) or _dict(award.get("contractPeriod"))
    base = {
        **common,
        "title": common["title"] or _str(award.get("title")),
        "award_id": _str(award.get("id")),
        "award_date": award_day,
        "award_status": _str(award.get("status")),
        "value": _amount(award.get("value")),
        "contract_start": _day(period.get("startDate")),
        "contract_end": _day(period.get("endDate")),
        "quarter": quarter_of(award_day),
    }
    rows = []
    for reference in suppliers or [{}]:
        organisation = _organisation(reference, parties) if reference else {}
        rows.append(
            {
                **base,
                "supplier_id": organisation.get("id"),
                "supplier_name": organisation.get("name"),
                "supplier_ch": organisation.get("ch"),
                "sme": organisation.get("sme"),
                "vcse": organisation.get("vcse"),
            }
        )
    return rows


def _subcontract_rows(process, award, suppliers, parties) -> list[dict]:
    details = _dict(award.get("subcontracting"))
    subcontracts = [s for s in _list(details.get("subcontracts")) if isinstance(s, dict)]
    if not subcontracts:
        return []
    total = _amount(details.get("value"))
    percents = _percentages(details.get("description"))
    day = _day(award.get("date"))
    rows = []
    for subcontract in subcontracts:
        reference = _dict(subcontract.get("subcontractor"))
        mains = [m for m in _list(subcontract.get("mainContractors")) if isinstance(m, dict)]
        prime = (mains or suppliers or [{}])[0]
        organisation = _organisation(reference, parties)
        value = _amount(subcontract.get("value"))
        if value is None and total is not None:
            if len(subcontracts) == 1:
                value = total
            elif percents and organisation["name"] in percents:
                value = total * percents[organisation["name"]] / sum(percents.values())
        rows.append(
            {
                **process,
                "award_id": _str(award.get("id")),
                "prime_id": _str(prime.get("id")),
                "prime_name": _str(
                    prime.get("name") or _dict(parties.get(prime.get("id"))).get("name")
                ),
                "name": organisation["name"],
                "ch": organisation["ch"],
                "sme": organisation["sme"],
                "vcse": organisation["vcse"],
                "value": value,
                "date": day,
                "quarter": quarter_of(day),
            }
        )
    return rows


def _bid_rows(process, common, compiled, parties, winners) -> list[dict]:
    rows = []
    for bid in _list(_dict(compiled.get("bids")).get("details")):
        if not isinstance(bid, dict):
            continue
        when = _timestamp(bid.get("date"))
        for reference in [t for t in _list(bid.get("tenderers")) if isinstance(t, dict)] or [{}]:
            organisation = _organisation(reference, parties) if reference else {}
            rows.append(
                {
                    "source": process["source"],
                    "ocid": process["ocid"],
                    "buyer_id": process["buyer_id"],
                    "procurement_method": common["procurement_method"],
                    "main_category": common["main_category"],
                    "cpv_division": process["cpv_division"],
                    "bid_id": _str(bid.get("id")),
                    "tenderer_id": organisation.get("id"),
                    "tenderer_name": organisation.get("name"),
                    "sme": organisation.get("sme"),
                    "vcse": organisation.get("vcse"),
                    "value": _amount(bid.get("value")),
                    "status": _str(bid.get("status")),
                    "won": bool(organisation) and organisation.get("id") in winners,
                    "date": when,
                    "quarter": quarter_of(when),
                }
            )
    return rows


def _payment_rows(process, contracts, awards, parties) -> list[dict]:
    awards_by_id = {a.get("id"): a for a in awards}
    rows = []
    for contract in contracts:
        implementation = _dict(contract.get("implementation"))
        award = awards_by_id.get(contract.get("awardID")) or {}
        award_suppliers = [s for s in _list(award.get("suppliers")) if isinstance(s, dict)]
        for transaction in _list(implementation.get("transactions")):
            if not isinstance(transaction, dict):
                continue
            payee = _dict(transaction.get("payee")) or _dict(
                transaction.get("receiverOrganization")
            )
            if not payee and len(award_suppliers) == 1:
                payee = award_suppliers[0]
            organisation = _organisation(payee, parties) if payee else {}
            day = _day(transaction.get("date"))
            rows.append(
                {
                    **process,
                    "supplier_id": organisation.get("id"),
                    "supplier_name": organisation.get("name"),
                    "supplier_ch": organisation.get("ch"),
                    "sme": organisation.get("sme"),
                    "vcse": organisation.get("vcse"),
                    "amount": _amount(transaction.get("value") or transaction.get("amount")),
                    "date": day,
                    "quarter": quarter_of(day),
                    "expense_type": None,
                    "transaction_id": _str(transaction.get("id")),
                    "file": None,
                    "line": None,
                }
            )
    return rows


def _tenderers(compiled: dict, tender: dict) -> int | None:
    number = tender.get("numberOfTenderers")
    if isinstance(number, int) and not isinstance(number, bool):
        return number
    counts = [
        s
        for s in _list(_dict(compiled.get("bids")).get("statistics"))
        if isinstance(s, dict) and s.get("measure") == "bids" and isinstance(s.get("value"), int)
    ]
    whole = [s["value"] for s in counts if not s.get("relatedLot")]
    if whole:
        return whole[0]
    return sum(s["value"] for s in counts) if counts else None


def _percentages(description) -> dict[str, float]:
    if not isinstance(description, str):
        return {}
    return {name.strip(): float(p) for name, p in _PERCENT.findall(description) if float(p) > 0}


def _amount(value) -> float | None:
    if isinstance(value, dict):
        value = value.get("amount")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _timestamp(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value) -> date | None:
    """The day as the publisher wrote it (its own offset: a UK date stays a UK date)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _str(value) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []
