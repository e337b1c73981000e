"""The marketplace's API for buying: ROUTERS lists each router with its prefix
(levelfield/api.py adds them)."""

ROUTERS: tuple = ()
