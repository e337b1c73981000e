"""The demo's procurement review service (issue 18), as plain data (played by
`demo/reviews.py`).

Two cases at Wessex County Council. Kennet Home Care raised an anonymous concern about the
home care tender's minimum turnover; the team accepted it, asked the council, which answered,
found the requirement out of proportion, followed it up, closed it and published the outcome
(naming the council and the tender, never Kennet). Tarrant Highways raised a late payment of a
grounds maintenance invoice recorded on levelfield and unpaid over 30 days: accepted by the
system at once; the team has asked the council to respond.

Days are counted from the day the demo is loaded (negative: in the past), at a UK clock hour.
"""

from decimal import Decimal

from levelfield.demo.spec import Spec

REVIEW_MANAGER: Spec = {
    "full_name": "Amara Osei",
    "email": "amara.osei@levelfield.example",
    "granted": (-400, 9),
}
REVIEWER: Spec = {
    "full_name": "Ben Whitlock",
    "email": "ben.whitlock@levelfield.example",
    "granted": (-400, 10),
}

ANONYMOUS_CASE: Spec = {
    "supplier": "kennet",
    "description": (
        "The home care tender asked every bidder for an annual turnover of at least £1.5 million. "
        "The contract is worth about £1 million a year, so a provider of the right size for one "
        "locality could not bid. We did not bid for this reason."
    ),
    "evidence": ("turnover-requirement.pdf", ["The tender's selection criteria, page 4."]),
    "raised": (-120, 10),
    "accepted": (-118, 11),
    "asked": (-117, 9),
    "question": (
        "Please explain how the minimum annual turnover of £1.5 million for the North Wessex home "
        "care contract was set, and whether a lower figure or other evidence of financial "
        "standing was considered."
    ),
    "due_days": 14,
    "responded": (-106, 15),
    "response": (
        "The figure came from a template set for larger contracts. We accept that it was higher "
        "than the contract needed and have reviewed the template."
    ),
    "response_document": ("selection-criteria-review.pdf", ["Our review of the template."]),
    "findings_at": (-95, 14),
    "findings": (
        "The minimum turnover was one and a half times the contract's annual value, above what "
        "the contract needed, and may have kept small providers from bidding."
    ),
    "recommendations": (
        "Set minimum turnover at no more than the contract's annual value, or accept other "
        "evidence of financial standing; check the selection template before each tender."
    ),
    "followed_up": (-70, 11),
    "follow_up": "The council's selection template now caps turnover at the annual value.",
    "closed": (-65, 12),
    "outcome": "resolved",
    "summary": "The council changed its selection template; future tenders use the new cap.",
    "published": (-64, 10),
    "public_summary": (
        "Wessex County Council asked home care bidders for a minimum turnover above the "
        "contract's annual value. The council agreed and changed its selection template so that "
        "minimum turnover is no more than a contract's annual value."
    ),
}

LATE_PAYMENT_CASE: Spec = {
    "supplier": "tarrant",
    "invoice_reference": "TH-GM-0917",
    "invoice_amount": Decimal("3600.00"),
    "received": (-45, 10),
    "raised": (-12, 14),
    "description": (
        "Our invoice for September's grounds maintenance was accepted without query and is now "
        "more than 30 days unpaid. Small firms like ours cannot carry this for long."
    ),
    "asked": (-10, 9),
    "question": (
        "Please say when invoice TH-GM-0917 will be paid, and why it was not paid within 30 days."
    ),
    "due_days": 14,
}
