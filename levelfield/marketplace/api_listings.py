"""The marketplace's API for listings: ROUTERS lists each router with its prefix
(levelfield/api.py adds them)."""

ROUTERS: tuple = ()
