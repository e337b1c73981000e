"""The authorisation matrix's lines for the marketplace's reports: its pages (PAGES), its API
operations (OPERATIONS) and the scenes they are tried on (`scenes`, called once the world is
built; it adds what it needs through the actions and returns scene name -> URL parameters)."""

# ruff: noqa: E501 (one route a line reads best as a table)

from .roles import BUYER_AREA, PUBLIC, Entry, page

SAVINGS_WHY = "each buyer's staff read their own organisation's call-offs (evaluators too); no object in the address"

PAGES: dict = {
    "marketplace:report": page("none", PUBLIC),
    "marketplace:report_csv": page("none", PUBLIC),
    "marketplace:savings": page("none", BUYER_AREA, why=SAVINGS_WHY),
}
OPERATIONS: dict = {
    # GET /api/marketplace/reports, GET /api/marketplace/savings
    "marketplace_report": Entry("none", PUBLIC),
    "marketplace_buyer_savings": Entry("none", BUYER_AREA, why=SAVINGS_WHY),
}


def scenes(world) -> dict[str, dict]:
    return {}
