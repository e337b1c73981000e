"""The resilience app's models, one module per concern, each re-exported here."""

from .financial import BreachEvent, Indicator, Reading  # noqa: F401
from .living_wills import (  # noqa: F401
    LivingWill,
    LivingWillVersion,
    PlatformRole,
    PlatformRoleKind,
    StrategicMark,
)
from .scenarios import Scenario  # noqa: F401
