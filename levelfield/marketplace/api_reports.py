"""The marketplace's API for reports: ROUTERS lists each router with its prefix
(levelfield/api.py adds them)."""

ROUTERS: tuple = ()
