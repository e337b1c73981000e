"""The authorisation matrix's lines for the marketplace's listings: its pages (PAGES), its API
operations (OPERATIONS) and the scenes they are tried on (`scenes`, called once the world is
built; it adds what it needs through the actions and returns scene name -> URL parameters)."""

# ruff: noqa: E501 (one route a line reads best as a table)

PAGES: dict = {}
OPERATIONS: dict = {}


def scenes(world) -> dict[str, dict]:
    return {}
