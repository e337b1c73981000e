"""Reads of financial standing: whether each breach was notified in time."""

from datetime import datetime

from django.db import models

from levelfield.core import clock

from .models import BreachEvent


class NoticeStatus(models.TextChoices):
    DUE = "due", "Due"  # not notified yet, still in time
    ON_TIME = "on_time", "Notified on time"
    LATE = "late", "Notified late"
    OVERDUE = "overdue", "Overdue"  # not notified and past its due time


def notice_status(breach: BreachEvent, *, now: datetime | None = None) -> NoticeStatus:
    """Whether `breach` was notified by its due time (the end of the second working day after
    the day it was raised)."""
    if breach.notified_at is not None:
        return NoticeStatus.ON_TIME if breach.notified_at < breach.due_at else NoticeStatus.LATE
    now = now or clock.now()
    return NoticeStatus.DUE if now < breach.due_at else NoticeStatus.OVERDUE


def breaches_overdue(*, now: datetime | None = None):
    """Breaches not notified and past their due time, oldest first."""
    now = now or clock.now()
    return (
        BreachEvent.objects.filter(notified_at__isnull=True, due_at__lte=now)
        .select_related("supplier", "indicator", "reading")
        .order_by("due_at")
    )


def supplier_breaches(supplier, *, now: datetime | None = None) -> list[tuple[BreachEvent, str]]:
    """A supplier's breaches, newest first, each with whether it was notified in time."""
    now = now or clock.now()
    breaches = (
        BreachEvent.objects.filter(supplier=supplier)
        .select_related("indicator", "reading")
        .order_by("-raised_at", "-pk")
    )
    return [(breach, notice_status(breach, now=now)) for breach in breaches]
