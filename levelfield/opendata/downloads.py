"""Bulk downloads of everything published, kept in the "downloads" storage (a local folder, or
object storage shared by every server: settings.STORAGES) and listed in the database.

Each month's releases, and the compiled releases of the procedures first published that month,
have files of their own (JSON Lines, CSV and XLSX flattenings, Parquet: downloads_files.py), so
one more release rewrites only its month's files (and its procedure's month, if that is an
earlier one), plus the two files of every release and every compiled release, which are the
months' JSON Lines joined end to end (gzip members, no recompression). A build:

- takes a database lock, so one build runs at a time whichever server or worker starts it: a
  PostgreSQL advisory lock held by its connection (freed at once if the build dies), on SQLite a
  lease on the `DownloadBuild` row renewed as it goes (the write lock would stop every other
  writer for the whole build);
- finds what each month holds now (how many releases and the last feed position) and rebuilds
  only the files whose month changed, or whose stored file is missing;
- stores each new file under a new name and then, in one transaction, points the published
  names at them (`DownloadFile` rows): a build interrupted half way leaves the previous files
  served and nothing half-written; files it stored without switching are swept by the next
  build, and replaced ones are deleted after LEVELFIELD_DOWNLOADS_KEEP_REPLACED, so downloads of
  them under way can finish.

The manifest (every file with its size and SHA-256) is made from those rows when asked for."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.files.storage import storages

from .models import DownloadBuild, DownloadFile

MANIFEST = "manifest.json"
FOLDER = "files"  # the stored files, in the downloads storage


@dataclass(frozen=True)
class Download:
    key: str
    pattern: str  # the published name; {period} for a month's file
    format: str
    content_type: str
    contents: str  # "compiled" (one compiled release per contracting process) or "releases"
    description: str

    @property
    def by_month(self) -> bool:
        return "{period}" in self.pattern

    def name(self, period: str = "") -> str:
        return self.pattern.format(period=period)


# Said of both spreadsheet downloads (see levelfield.core.spreadsheets).
SPREADSHEET_TEXT = (
    " Text that would start a spreadsheet formula (with =, +, -, or @) begins with a single "
    "quote ('), so that it opens as text; the JSON files hold it unchanged."
)
ALL_COMPILED = Download(
    "compiled",
    "compiled-releases.jsonl.gz",
    "JSON Lines, gzipped",
    "application/gzip",
    "compiled",
    "One compiled release per contracting process: its current state, merged from every "
    "release published for it (by the month it was first published, then ocid).",
)
ALL_RELEASES = Download(
    "releases",
    "releases.jsonl.gz",
    "JSON Lines, gzipped",
    "application/gzip",
    "releases",
    "Every release, in the order it was published: the full history of each procedure.",
)
COMPILED_JSONL = Download(
    "compiled_jsonl",
    "compiled-releases-{period}.jsonl.gz",
    "JSON Lines, gzipped",
    "application/gzip",
    "compiled",
    "The compiled releases of the procedures first published this month.",
)
RELEASES_JSONL = Download(
    "releases_jsonl",
    "releases-{period}.jsonl.gz",
    "JSON Lines, gzipped",
    "application/gzip",
    "releases",
    "The releases published this month, in order.",
)
CSV_ZIP = Download(
    "csv",
    "compiled-releases-csv-{period}.zip",
    "CSV files, zipped",
    "application/zip",
    "compiled",
    "The month's compiled releases flattened into one CSV sheet per list (releases, parties, "
    "lots, awards, contracts and so on), joined on ocid." + SPREADSHEET_TEXT,
)
XLSX = Download(
    "xlsx",
    "compiled-releases-{period}.xlsx",
    "Excel spreadsheet (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "compiled",
    "The same flattening as the CSV files, one worksheet per sheet." + SPREADSHEET_TEXT,
)
COMPILED_PARQUET = Download(
    "compiled_parquet",
    "compiled-releases-{period}.parquet",
    "Parquet",
    "application/vnd.apache.parquet",
    "compiled",
    "The month's compiled releases for analytics tools (DuckDB, pandas, Spark): nested fields "
    "are structs and lists.",
)
RELEASES_PARQUET = Download(
    "releases_parquet",
    "releases-{period}.parquet",
    "Parquet",
    "application/vnd.apache.parquet",
    "releases",
    "One row per release of the month: ocid, release id, date, tags, initiation type and buyer.",
)
DOWNLOADS = (
    ALL_COMPILED,
    ALL_RELEASES,
    COMPILED_JSONL,
    RELEASES_JSONL,
    CSV_ZIP,
    XLSX,
    COMPILED_PARQUET,
    RELEASES_PARQUET,
)
BY_KEY = {download.key: download for download in DOWNLOADS}


def storage():
    return storages["downloads"]


# Reading


def find(name: str) -> DownloadFile | None:
    """The file served under a published name, or None. Only names a build has written are
    served, so no request can reach any other file."""
    return DownloadFile.objects.filter(name=name).first()


def content_type(found: DownloadFile) -> str:
    return BY_KEY[found.kind].content_type


def signed_url(found: DownloadFile, seconds: int) -> str:
    """A link to the stored file itself, valid for `seconds`, that downloads it under its
    published name (object storage only)."""
    return storage().url(
        found.stored,
        parameters={
            "ResponseContentDisposition": f'attachment; filename="{found.name}"',
            "ResponseContentType": content_type(found),
        },
        expire=seconds,
    )


def _files() -> list[DownloadFile]:
    """Every file served: the two of every release first, then each month's, newest first, in
    the order of DOWNLOADS."""
    order = {download.key: number for number, download in enumerate(DOWNLOADS)}
    found = list(DownloadFile.objects.all())
    found.sort(key=lambda f: order[f.kind])
    found.sort(key=lambda f: f.period, reverse=True)
    return sorted(found, key=lambda f: bool(f.period))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read_manifest() -> dict | None:
    """What is served now: when it was generated, from how many releases, and each file with
    its size and SHA-256. None before the first build."""
    build = DownloadBuild.objects.filter(pk=1, number__gt=0).first()
    if build is None:
        return None
    assert build.generated is not None  # each build counts itself and sets when, together
    return {
        "generated": _stamp(build.generated),
        "feed_position": build.feed_position,
        "release_count": build.release_count,
        "compiled_release_count": build.compiled_release_count,
        "publisher": dict(settings.LEVELFIELD_PUBLISHER),
        "license": settings.LEVELFIELD_OCDS_LICENSE,
        "publicationPolicy": settings.LEVELFIELD_OCDS_PUBLICATION_POLICY,
        "files": [
            {
                "name": found.name,
                "format": BY_KEY[found.kind].format,
                "contents": BY_KEY[found.kind].contents,
                "period": found.period or None,
                "release_count": found.release_count,
                "size": found.size,
                "sha256": found.sha256,
                "generated": _stamp(found.generated),
            }
            for found in _files()
        ],
    }


# The downloads page's columns for each month's files.
MONTH_COLUMNS = (
    (COMPILED_JSONL, "Compiled releases (JSON Lines)"),
    (RELEASES_JSONL, "Releases (JSON Lines)"),
    (CSV_ZIP, "Compiled releases (CSV, zipped)"),
    (XLSX, "Compiled releases (XLSX)"),
    (COMPILED_PARQUET, "Compiled releases (Parquet)"),
    (RELEASES_PARQUET, "Releases (Parquet)"),
)


def catalogue() -> dict | None:
    """The downloads page's files: those of every release, then a row per month (newest first)
    with its file of each kind (None where a month has no compiled releases: none of its
    procedures was first published in it). None before the first build."""
    build = DownloadBuild.objects.filter(pk=1, number__gt=0).first()
    if build is None:
        return None
    rows = _files()
    months: dict[str, dict] = {}
    for found in rows:
        if found.period:
            months.setdefault(found.period, {})[found.kind] = found
    return {
        "generated": build.generated,
        "release_count": build.release_count,
        "compiled_release_count": build.compiled_release_count,
        "whole": [
            {"file": found, "download": BY_KEY[found.kind]} for found in rows if not found.period
        ],
        "columns": [heading for _, heading in MONTH_COLUMNS],
        "months": [
            {
                "month": datetime.strptime(period, "%Y-%m").strftime("%B %Y"),
                "files": [kinds.get(download.key) for download, _ in MONTH_COLUMNS],
            }
            for period, kinds in months.items()
        ],
        "files": rows,
    }


from .downloads_build import regenerate  # noqa: E402, F401 (the build needs the definitions above)
