"""The resilience app's models, one module per concern, each re-exported here."""

from .financial import BreachEvent, Indicator, Reading  # noqa: F401
