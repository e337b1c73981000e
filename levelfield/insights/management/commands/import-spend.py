"""`levelfield import-spend PATH...`: bring spend files (payments published by departments and
councils, CSV or XLSX) into the insights' store, matching each supplier to a known organisation."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand, CommandError

from levelfield.insights.spend_import import (
    BATCH_SIZE,
    Problem,
    Reporter,
    SpendImporter,
    Summary,
    overall_rate,
)

if TYPE_CHECKING:
    from tqdm import tqdm


class ConsoleReporter(Reporter):
    """A progress bar (tqdm) on a terminal, plain lines otherwise; problems on stderr, up to
    `limit` of them (the summary counts them all)."""

    def __init__(self, command: BaseCommand, *, limit: int, bar: bool):
        self.command = command
        self.limit = limit
        self.reported = 0
        self.use_bar = bar
        self.bar: tqdm | None = None

    def _write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text)
        else:
            self.command.stdout.write(text)

    def problem(self, problem: Problem) -> None:
        self.reported += 1
        if self.reported <= self.limit:
            self.command.stderr.write(f"! {problem}")
        elif self.reported == self.limit + 1:
            self.command.stderr.write(f"! more problems: not shown (--report-limit {self.limit})")

    def file_started(self, path: Path, rows: int, resume_after: int) -> None:
        self.close()
        note = f" (resuming after line {resume_after:,})" if resume_after else ""
        self._write(f"{path}: {rows:,} payments{note}")
        if self.use_bar:
            from tqdm import tqdm

            self.bar = tqdm(total=rows, unit=" lines", unit_scale=True, desc="import")

    def file_skipped(self, path: Path, spend_file) -> None:
        self._write(f"{path}: already imported (as {spend_file.name}), skipped")

    def progress(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Import spend files (payments as departments and councils publish them: CSV in UTF-8 or "
        "Windows-1252, or XLSX; files or directories) and match each supplier to a known "
        "organisation (Companies House number, a person's resolution, then the name). A file "
        "with a bad row is reported with each bad line and nothing of it is stored. Running it "
        "again on the same file (even renamed) stores nothing twice; an interrupted run "
        "continues where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--body",
            default="",
            help="the publishing body, for files without a column naming it",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"lines per transaction (default {BATCH_SIZE:,})",
        )
        parser.add_argument(
            "--report-limit",
            type=int,
            default=1000,
            help="bad rows shown at most (default 1,000; the summary counts all)",
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "bar", "lines"],
            default="auto",
            help="a progress bar (the default on a terminal) or plain lines",
        )

    def handle(self, *args, paths, **options):
        bar = options["progress"] == "bar" or (
            options["progress"] == "auto" and sys.stdout.isatty()
        )
        reporter = ConsoleReporter(self, limit=options["report_limit"], bar=bar)
        importer = SpendImporter(
            batch_size=options["batch_size"], body=options["body"], reporter=reporter
        )
        try:
            summary = importer.run(paths)
        except KeyboardInterrupt:
            reporter.close()
            self._summary(importer.summary)
            raise CommandError(
                "Interrupted. What was committed stays; run the same command again to continue.",
                returncode=130,
            ) from None
        reporter.close()
        self._summary(summary)
        if summary.failed:
            raise CommandError(
                f"{summary.files_refused:,} file(s) refused, nothing of them stored "
                f"({summary.bad_rows:,} bad rows; each is listed above with its file and line)"
            )

    def _summary(self, summary: Summary) -> None:
        self.stdout.write("")
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"match rate (all spend files): {overall_rate()}")
