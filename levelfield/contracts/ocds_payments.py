"""The payments notices as OCDS releases.

UK8, the payments notice (s.70): for one contract and one quarter, each payment over £30,000.
A release about the contract's contracting process, tagged `implementation` as Find a Tender
tags it, with the payments as `contracts[].implementation.transactions` (id, date the supplier
received the money, value, payer the buyer, payee the supplier) and the notice as a document of
type `implementationNotice` with the UK extension's noticeType "UK8".

UK17, the payments compliance notice (s.69, regulation 38 of the Procurement Regulations 2024):
the buyer's, for a six-month reporting period ending 31 March or 30 September, not any one
contract's. It is a release with an ocid of its own per buyer and period. What regulation 38(2)
asks for and where it goes:
  (a) the contracting authority          -> `parties` (roles buyer, payer) and `buyer`
  (b) first and last days of the period  -> the notice's title and description, and the id
      of the release's `tender` (a tender's periods are about bidding, not this)
  (c) for sums paid in the period: the average days to pay (day 1 the day after the invoice
      day) and the share paid within days 1-30, 31-60 and on or after day 61
  (d) for sums that became payable in the period: the share not paid within the period
  (e) the finance director's approval statement: not held by the platform (left out).
OCDS has no field for a buyer's payment statistics: Metric (the metrics extension) is only
defined under planning forecasts, tender targets and a contract's agreed metrics or
implementation, and a contract needs an award. So the release carries the notice as a
`tender.documents` entry (noticeType "UK17", documentType "implementationNotice", tag
`implementation`), and (c) and (d) are written, in regulation 38's order, as the document's
`description` and the tender's `description`; nothing outside the patched schema is added
(the open data tests refuse additional fields). The figures are also on the notice's public page.
"""

from levelfield.core.display import uk_date
from levelfield.core.ocds import absolute_url, compact, money, ocds_datetime
from levelfield.opendata.publisher import ocid_for, publish
from levelfield.tenders import ocds as tender_ocds

from .ocds import supplier_party


def transaction(invoice) -> dict:
    return {
        "id": f"payment-{invoice.pk}",
        "source": absolute_url("contracts:public_contract", invoice.contract_id),
        "date": ocds_datetime(invoice.paid_on),
        "value": money(invoice.amount),
        "payer": {
            "id": tender_ocds.organisation_id(invoice.contract.buyer),
            "name": invoice.contract.buyer.name,
        },
        "payee": {
            "id": supplier_party(invoice.contract.supplier)["id"],
            "name": invoice.contract.supplier.name,
        },
    }


def uk8_contract_extra(invoices) -> dict:
    return {"implementation": {"transactions": [transaction(invoice) for invoice in invoices]}}


def uk17_ocid(buyer, period) -> str:
    return ocid_for(f"PC-{buyer.pk}-{period.key}")


def _percent(value) -> str:
    return "none" if value is None else f"{value}%"


def uk17_summary(period, figures) -> str:
    """Regulation 38(2)(c) and (d) in words."""
    if not figures.paid:
        paid = "No invoices under public contracts were paid in the period."
    else:
        paid = (
            f"{figures.paid} payment{'s' if figures.paid != 1 else ''} made under public "
            f"contracts in the period took on average {figures.average_days} days from the day "
            f"the invoice was received (day 1 being the day after). "
            f"{_percent(figures.percent_on_time)} were paid within 30 days, "
            f"{_percent(figures.percent_31_to_60)} in 31 to 60 days and "
            f"{_percent(figures.percent_over_60)} on or after day 61."
        )
    if not figures.became_payable:
        unpaid = "No sums became payable in the period."
    else:
        unpaid = (
            f"Of {figures.became_payable} sum{'s' if figures.became_payable != 1 else ''} that "
            f"became payable in the period, {_percent(figures.percent_unpaid_late)} "
            f"({figures.unpaid_late}) were not paid within the period."
        )
    return (
        f"Payments compliance for {uk_date(period.start)} to {uk_date(period.end)}. "
        f"{paid} {unpaid} Disputed invoices are not counted."
    )


def publish_uk17(buyer, period, figures, now):
    """Write the UK17 release; returns the Release."""
    summary = uk17_summary(period, figures)
    title = f"Payments compliance notice: {uk_date(period.start)} to {uk_date(period.end)}"
    party = tender_ocds.organisation_party(buyer, ["buyer", "payer"])
    url = absolute_url("contracts:public_payments_compliance", buyer.pk, period.key)
    data = {
        "parties": [party],
        "buyer": {"id": party["id"], "name": buyer.name},
        "tender": {
            "id": f"payments-compliance-{period.key}",
            "title": title,
            "description": summary,
            "documents": [
                {
                    "id": f"notice-UK17-{period.key}",
                    "documentType": "implementationNotice",
                    "noticeType": "UK17",
                    "title": title,
                    "description": summary,
                    "url": url,
                    "datePublished": ocds_datetime(now),
                }
            ],
        },
    }
    return publish(
        ocid=uk17_ocid(buyer, period),
        tags=["implementation"],
        data=compact(data),
        buyer_id=party["id"],
    )
