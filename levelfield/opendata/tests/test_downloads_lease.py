"""SQLite's lease on the bulk downloads' build (downloads_lease.py): taken when free, ended or
left by a process that is gone from this machine; kept from a live holder until it ends; and a
build that lost it switches nothing. (On PostgreSQL the build holds an advisory lock instead.)"""

import socket
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from levelfield.opendata import downloads_build, downloads_lease
from levelfield.opendata.downloads_lease import LeaseLost, claim, new_holder, release, renew
from levelfield.opendata.models import DownloadBuild

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: the build holds an advisory lock, not the lease")
    DownloadBuild.objects.get_or_create(pk=1)


def gone_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def held_by(holder: str, *, for_: timedelta = timedelta(seconds=30)) -> None:
    DownloadBuild.objects.filter(pk=1).update(
        building_by=holder, building_until=timezone.now() + for_
    )


def test_a_free_lease_is_taken_and_a_live_holders_is_not():
    first, second = new_holder(), new_holder()
    assert claim(first)
    assert not claim(second)
    renew(first)
    release(first)
    assert claim(second)


def test_a_lease_left_by_a_process_gone_from_this_machine_is_taken_over_at_once():
    dead = f"{socket.gethostname()} {gone_pid()} 0123456789ab"
    held_by(dead, for_=timedelta(hours=1))

    me = new_holder()
    assert claim(me)
    assert DownloadBuild.objects.get(pk=1).building_by == me
    # The dead build's holder renews nothing and frees nothing now.
    with pytest.raises(LeaseLost):
        renew(dead)
    release(dead)
    assert DownloadBuild.objects.get(pk=1).building_by == me


def test_another_machines_lease_is_kept_until_it_ends_unrenewed():
    # (its process id is one that is gone here: on another machine it says nothing)
    elsewhere = f"another-{socket.gethostname()} {gone_pid()} 0123456789ab"
    held_by(elsewhere)
    assert not claim(new_holder())

    held_by(elsewhere, for_=timedelta(seconds=-1))
    assert claim(new_holder())


def test_a_build_that_lost_its_lease_switches_nothing(monkeypatch, buyer, officer):
    from tests.support import testing

    testing.published_tender(buyer=buyer, by=officer)  # built as it is published
    before = DownloadBuild.objects.get(pk=1)
    build_files = downloads_build._build

    def taken_over_while_building(*args, **kwargs):
        built = build_files(*args, **kwargs)
        held_by(f"another-{socket.gethostname()} 1 0123456789ab")
        return built

    monkeypatch.setattr(downloads_build, "_build", taken_over_while_building)

    with pytest.raises(LeaseLost):
        downloads_build.regenerate(force=True)

    after = DownloadBuild.objects.get(pk=1)
    assert (after.number, after.generated) == (before.number, before.generated)
    # ... nor frees the lease it no longer holds
    assert after.building_by.startswith("another-")


def test_the_lease_is_a_setting(settings):
    settings.LEVELFIELD_DOWNLOADS_LEASE = timedelta(minutes=5)
    before = timezone.now()
    assert claim(new_holder())
    after = timezone.now()
    until = DownloadBuild.objects.get(pk=1).building_until
    assert before + timedelta(minutes=5) <= until <= after + timedelta(minutes=5)
    assert downloads_lease.duration() == timedelta(minutes=5)
