"""Building the bulk downloads (opendata/downloads.py says how): under the build's database
lock, rebuild the files of the months that changed, store them under new names and switch to
them in one transaction."""

import gzip
import shutil
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth

from levelfield.core import clock

from . import downloads_files as files
from . import downloads_lease
from .downloads import (
    COMPILED_JSONL,
    COMPILED_PARQUET,
    CSV_ZIP,
    DOWNLOADS,
    FOLDER,
    RELEASES_JSONL,
    RELEASES_PARQUET,
    XLSX,
    Download,
    read_manifest,
    storage,
)
from .models import DownloadBuild, DownloadFile, FeedPosition, Record, Release, ReplacedDownload

# Part of what each file is built from: a change to what the files hold rebuilds every one.
LAYOUT = "1"
# PostgreSQL's advisory lock for the build (any number no other lock uses); SQLite's lease is
# in downloads_lease.py.
LOCK_KEY = 0x4C46_444C  # "LFDL"


def regenerate(*, force: bool = False) -> dict | None:
    """Bring the downloads up to date with what is published: rebuild the files of each month
    that changed since they were built (every file with `force`) and return the manifest, or
    None when nothing needed rebuilding. Waits while another build runs, then builds from the
    newer data."""
    with _exclusive() as renew:
        DownloadBuild.objects.get_or_create(pk=1)
        # Writers lock the feed counter until they commit, so once `last` is N every release
        # up to N is visible: what is read below holds at least those.
        position = FeedPosition.objects.filter(pk=1).values_list("last", flat=True).first() or 0
        wanted = _wanted()
        current = {found.name: found for found in DownloadFile.objects.all()}
        stored = _stored_names()
        stale = {
            name: plan
            for name, plan in wanted.items()
            if force
            or name not in current
            or current[name].source != plan.source
            or current[name].stored not in stored
        }
        gone = set(current) - set(wanted)
        build = DownloadBuild.objects.get(pk=1)
        if not stale and not gone and build.number:
            return None
        _sweep(stored, current)
        with tempfile.TemporaryDirectory(prefix="levelfield-downloads-") as scratch:
            built = _build(Path(scratch), stale, current, build.number + 1, renew)
        _switch(built, current, gone, position, wanted, renew)
    _delete_replaced()
    return read_manifest()


@dataclass(frozen=True)
class Plan:
    download: Download
    period: str
    source: str  # what the file is built from: the period's release count and last position


def _month(period: str) -> tuple[datetime, datetime]:
    start = datetime.strptime(period, "%Y-%m").replace(tzinfo=UTC)
    return start, (start + timedelta(days=32)).replace(day=1)


def _wanted() -> dict[str, Plan]:
    """Every file there should be, each with what it would be built from now: a month's
    releases files from the releases dated in it; its compiled files from every release of
    the procedures first published in it; the whole files from every release."""
    releases = {
        row["month"].astimezone(UTC).strftime("%Y-%m"): (row["n"], row["last"])
        for row in Release.objects.annotate(month=TruncMonth("date", tzinfo=UTC))
        .values("month")
        .annotate(n=Count("pk"), last=Max("position"))
        .order_by()
    }
    compiled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    procedures = Release.objects.values("ocid").annotate(
        first=Min("date"), n=Count("pk"), last=Max("position")
    )
    for row in procedures.order_by().iterator(chunk_size=files.CHUNK):
        totals = compiled[row["first"].astimezone(UTC).strftime("%Y-%m")]
        totals[0] += row["n"]
        totals[1] = max(totals[1], row["last"])
    wanted = {}
    for download in DOWNLOADS:
        if not download.by_month:
            count = sum(n for n, _ in releases.values())
            last = max((last for _, last in releases.values()), default=0)
            wanted[download.name()] = Plan(download, "", f"{LAYOUT}:{count}:{last}")
            continue
        by_period = releases if download.contents == "releases" else compiled
        for period, (count, last) in by_period.items():
            wanted[download.name(period)] = Plan(download, period, f"{LAYOUT}:{count}:{last}")
    return wanted


def _build(scratch: Path, stale: dict[str, Plan], current: dict, number: int, renew) -> dict:
    """Write the stale files and store each under a new name; returns their rows' values by
    published name."""
    generated = clock.now()
    built: dict[str, dict] = {}
    periods = sorted({plan.period for plan in stale.values() if plan.period})
    for period in periods:
        paths = _write_period(scratch / period, period, generated)
        for download, (path, count) in paths.items():
            name = download.name(period)
            if name in stale:
                built[name] = _store(path, stale[name], count, number, generated)
        renew()
    whole = [plan for plan in stale.values() if not plan.period]
    if whole:
        months = _month_files(built, current)
        for plan in whole:
            path = scratch / plan.download.name()
            count = _join(path, months, plan.download)
            built[plan.download.name()] = _store(path, plan, count, number, generated)
    return built


def _write_period(folder: Path, period: str, generated: datetime) -> dict:
    """Every file of one month, in `folder`: {download: (path, how many it holds)}."""
    folder.mkdir()
    start, end = _month(period)
    releases = (
        Release.objects.filter(date__gte=start, date__lt=end)
        .order_by("position")
        .values_list("position", "data")
    )
    first_published = (
        Release.objects.values("ocid")
        .annotate(first=Min("date"))
        .filter(first__gte=start, first__lt=end)
        .values("ocid")
    )
    compiled = (
        Record.objects.filter(ocid__in=first_published)
        .order_by("ocid")
        .values_list("compiled", flat=True)
    )
    path = {download: folder / download.name(period) for download in DOWNLOADS[2:]}
    package_file = folder / "package.json"
    compiled_count = files.write_compiled(path[COMPILED_JSONL], package_file, compiled)
    release_count, _ = files.write_jsonl(path[RELEASES_JSONL], releases)
    files.write_flattened(
        package_file, xlsx=path[XLSX], csv_zip=path[CSV_ZIP], scratch=folder, generated=generated
    )
    package_file.unlink()
    files.write_compiled_parquet(path[COMPILED_JSONL], path[COMPILED_PARQUET])
    files.write_releases_parquet(path[RELEASES_JSONL], path[RELEASES_PARQUET])
    counts = {"compiled": compiled_count, "releases": release_count}
    return {download: (p, counts[download.contents]) for download, p in path.items()}


def _month_files(built: dict, current: dict) -> dict[str, list[tuple]]:
    """The JSON Lines file of each month by contents, oldest month first, each as (the file
    just built, a local path, or else the one stored; how many it holds)."""
    months: dict[str, list] = {"compiled": [], "releases": []}
    for download in (COMPILED_JSONL, RELEASES_JSONL):
        periods = {row.period for row in current.values() if row.kind == download.key}
        periods |= {values["period"] for values in built.values() if values["kind"] == download.key}
        for period in sorted(periods):
            name = download.name(period)
            if name in built:
                months[download.contents].append(
                    (built[name]["path"], built[name]["release_count"])
                )
            elif name in current:
                months[download.contents].append((current[name], current[name].release_count))
    return months


def _join(path: Path, months: dict, download: Download) -> int:
    """A whole file: the months' gzip members end to end (a valid gzip file, read as one);
    returns how many it holds."""
    parts = months[download.contents]
    with path.open("wb") as out:
        if not parts:
            out.write(gzip.compress(b"", mtime=0))
        for source, _ in parts:
            opened = (
                source.open("rb") if isinstance(source, Path) else storage().open(source.stored)
            )
            with opened as handle:
                shutil.copyfileobj(handle, out)
    return sum(count for _, count in parts)


def _store(path: Path, plan: Plan, count: int, number: int, generated: datetime) -> dict:
    with path.open("rb") as handle:
        stored = storage().save(
            f"{FOLDER}/{number:08d}-{plan.download.name(plan.period)}", File(handle)
        )
    return {
        "stored": stored,
        "kind": plan.download.key,
        "period": plan.period,
        "source": plan.source,
        "release_count": count,
        "size": path.stat().st_size,
        "sha256": files.sha256(path),
        "generated": generated,
        "path": path,
    }


def _switch(built: dict, current: dict, gone: set, position: int, wanted: dict, renew) -> None:
    """Serve the files just built in place of those they replace, all at once (on SQLite, only
    while this build still holds the lease: renewing it first takes the database's write lock,
    so no other build takes it over before this commits)."""
    now = clock.now()
    with transaction.atomic():
        renew()
        build = DownloadBuild.objects.select_for_update().get(pk=1)
        for name, values in built.items():
            values = {key: value for key, value in values.items() if key != "path"}
            if name in current:
                ReplacedDownload.objects.create(stored=current[name].stored, replaced_at=now)
                DownloadFile.objects.filter(pk=current[name].pk).update(**values)
            else:
                DownloadFile.objects.create(name=name, **values)
        for name in gone:
            ReplacedDownload.objects.create(stored=current[name].stored, replaced_at=now)
            DownloadFile.objects.filter(pk=current[name].pk).delete()
        totals = {
            row.download.contents: int(row.source.split(":")[1])
            for row in wanted.values()
            if not row.period
        }
        build.number += 1
        build.feed_position = position
        build.generated = now
        build.release_count = totals["releases"]
        build.compiled_release_count = Record.objects.count()
        build.save()


def _stored_names() -> set[str]:
    try:
        return {f"{FOLDER}/{name}" for name in storage().listdir(FOLDER)[1]}
    except FileNotFoundError:  # a local folder not made yet
        return set()


def _sweep(stored: set[str], current: dict) -> None:
    """Delete files an interrupted build stored but never switched to (the lock is held, so no
    build is running)."""
    kept = {found.stored for found in current.values()}
    kept |= set(ReplacedDownload.objects.values_list("stored", flat=True))
    for name in stored - kept:
        storage().delete(name)


def _delete_replaced() -> None:
    before = clock.now() - settings.LEVELFIELD_DOWNLOADS_KEEP_REPLACED
    for replaced in ReplacedDownload.objects.filter(replaced_at__lt=before):
        storage().delete(replaced.stored)
        replaced.delete()


@contextmanager
def _exclusive():
    """Hold the build's database lock; yields a function that renews it (SQLite's lease, which
    raises downloads_lease.LeaseLost once another build has taken it over)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            yield lambda: None
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    with downloads_lease.held() as lease:
        yield lease.renew
