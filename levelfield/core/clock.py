"""Server time. Every deadline check reads this clock, never a time sent by a client.

`frozen_at` lets the demo loader and tests run actions as of another moment; it is a
context variable, so it never leaks between requests or threads.
"""

import contextlib
import contextvars
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

UK = ZoneInfo("Europe/London")
_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("frozen", default=None)


def now() -> datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def today_uk() -> date:
    return now().astimezone(UK).date()


@contextlib.contextmanager
def frozen_at(moment: datetime):
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs a timezone-aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
