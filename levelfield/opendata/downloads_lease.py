"""SQLite's lease on the bulk downloads' build (on PostgreSQL the build holds an advisory lock,
which the end of its session releases, however it ends).

The lease is the one DownloadBuild row: `building_by` names its holder (the machine, the
process id and a token of the build) and `building_until` is when the lease ends unless it is
renewed. The holder renews it, to now + LEVELFIELD_DOWNLOADS_LEASE (30 seconds), after each
month it builds and, on a database in a file (which another process can share), from a thread
beside the build every third of that, so that a long step of a live build never lets it end.

Another build takes the lease once it is released, once it has ended, or at once when its
holder ran on this machine and its process is gone (killed mid-way: a build started again need
not wait). A holder that lost its lease (stalled past its end and taken over) learns it at its
next renewal and stops; the switch to the files it built renews the lease in the switch's own
transaction, so only the holder switches. What a stopped build stored (under new names, never
served) the next build sweeps."""

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection
from django.db.models import Q
from django.utils import timezone

from .models import DownloadBuild

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another build took over this build's lease: it must not switch to what it built."""


def duration() -> timedelta:
    return settings.LEVELFIELD_DOWNLOADS_LEASE


def new_holder() -> str:
    return f"{socket.gethostname()} {os.getpid()} {secrets.token_hex(6)}"


def holder_gone(holder: str) -> bool:
    """Whether `holder` ran on this machine and its process is no more (a process id used again
    since reads as alive: its lease then ends when it is no longer renewed)."""
    try:
        host, pid, _ = holder.rsplit(" ", 2)
        number = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname() or number <= 0 or number == os.getpid():
        return False
    try:
        os.kill(number, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


def claim(holder: str) -> bool:
    """Take the lease for `holder` if it is free, has ended, or its holder's process is gone.
    (The lease runs on the real time: a frozen clock in a test must not make it endless.)"""
    now = timezone.now()
    until = now + duration()
    free = Q(building_until__isnull=True) | Q(building_until__lt=now)
    if DownloadBuild.objects.filter(free, pk=1).update(building_until=until, building_by=holder):
        return True
    held_by = DownloadBuild.objects.filter(pk=1).values_list("building_by", flat=True).first()
    if not held_by or not holder_gone(held_by):
        return False
    taken = DownloadBuild.objects.filter(pk=1, building_by=held_by).update(
        building_until=until, building_by=holder
    )
    if taken:
        log.warning("Took over the downloads build's lease from %s, whose process is gone", held_by)
    return bool(taken)


def renew(holder: str) -> None:
    """Extend `holder`'s lease; LeaseLost if another build has taken it."""
    until = timezone.now() + duration()
    if not DownloadBuild.objects.filter(pk=1, building_by=holder).update(building_until=until):
        raise LeaseLost(f"The downloads build's lease of {holder} was taken over")


def release(holder: str) -> None:
    DownloadBuild.objects.filter(pk=1, building_by=holder).update(
        building_until=None, building_by=""
    )


class _Heartbeat(threading.Thread):
    """Renews the lease every third of its length until stopped or the lease is lost."""

    def __init__(self, holder: str):
        super().__init__(name="downloads-lease", daemon=True)
        self.holder = holder
        self.stopped = threading.Event()
        self.lost = False

    def run(self) -> None:
        try:
            while not self.stopped.wait(duration().total_seconds() / 3):
                try:
                    renew(self.holder)
                except LeaseLost:
                    self.lost = True
                    return
                except DatabaseError:  # busy past the timeout: the next beat tries again
                    log.warning("Could not renew the downloads build's lease", exc_info=True)
        finally:
            connection.close()  # this thread's own


@contextmanager
def held() -> Iterator["Lease"]:
    """Wait for the lease, hold it while the block runs, then release it."""
    try:
        DownloadBuild.objects.get_or_create(pk=1)
    except IntegrityError:  # made by another build at the same moment
        pass
    holder = new_holder()
    while not claim(holder):
        time.sleep(0.5)
    # Only a database in a file is shared with other processes (and can take another
    # connection, the thread's, while this one writes).
    in_memory = getattr(connection, "is_in_memory_db", lambda: True)()
    beat = None if in_memory else _Heartbeat(holder)
    if beat:
        beat.start()
    try:
        yield Lease(holder, beat)
    finally:
        if beat:
            beat.stopped.set()
            beat.join()
        release(holder)


class Lease:
    def __init__(self, holder: str, beat: _Heartbeat | None):
        self.holder = holder
        self.beat = beat

    def renew(self) -> None:
        """Extend the lease now; LeaseLost if it was taken over."""
        if self.beat and self.beat.lost:
            raise LeaseLost(f"The downloads build's lease of {self.holder} was taken over")
        renew(self.holder)
