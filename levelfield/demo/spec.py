"""The type of the demo's records: plain dictionaries whose values are of several types (names,
dates as day offsets, amounts, nested records), read by the code that plays them."""

from typing import Any

Spec = dict[str, Any]
