"""API: measures (filled in by its concern). ROUTERS: (prefix, router) pairs."""

ROUTERS = ()
