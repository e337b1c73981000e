"""`levelfield import-ocds PATH...`: bring published OCDS data into the external store."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from levelfield.opendata import opportunities
from levelfield.opendata.importer import BATCH_SIZE, Importer, Problem, Reporter, Summary

if TYPE_CHECKING:
    from tqdm import tqdm


class ConsoleReporter(Reporter):
    """A progress bar (tqdm) on a terminal, plain lines otherwise; problems on stderr, up to
    `limit` of them (the summary counts them all)."""

    def __init__(self, command: BaseCommand, *, limit: int, bar: bool):
        super().__init__()
        self.command = command
        self.limit = limit
        self.reported = 0
        self.bar: tqdm | None = None
        self.use_bar = bar
        self.last_read = 0
        self.compile_bar: tqdm | None = None
        self.compile_total = 0
        self.compile_done = 0
        self.compile_step = 0

    def _write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text)
        else:
            self.command.stdout.write(text)

    def problem(self, problem: Problem) -> None:
        self.reported += 1
        if self.reported <= self.limit:
            message = f"! {problem}"
            if self.bar is not None:
                self.bar.write(message, file=sys.stderr)
            else:
                self.command.stderr.write(message)
        elif self.reported == self.limit + 1:
            self.command.stderr.write(f"! more problems: not shown (--report-limit {self.limit})")

    def file_started(self, path: Path, resume_from: int) -> None:
        if self.use_bar and self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(unit=" releases", unit_scale=True, desc="import", dynamic_ncols=True)
        note = f" (resuming after item {resume_from:,})" if resume_from else ""
        self._write(f"{path}{note}")

    def file_skipped(self, path: Path) -> None:
        self._write(f"{path}: unchanged since it was imported, skipped")

    def batch(self, summary: Summary, path: Path) -> None:
        if self.bar is not None:
            self.bar.update(summary.read - self.last_read)
            self.bar.set_postfix(
                stored=f"{summary.stored:,}",
                duplicates=f"{summary.duplicates:,}",
                invalid=f"{summary.invalid:,}",
                refresh=False,
            )
        elif summary.read // 100_000 != self.last_read // 100_000:
            self.command.stdout.write(
                f"  {summary.read:,} releases read, {summary.stored:,} stored, "
                f"{summary.duplicates:,} duplicates, {summary.invalid:,} invalid"
            )
        self.last_read = summary.read

    def compile_started(self, processes: int) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self.compile_total = processes
        if self.use_bar:
            from tqdm import tqdm

            self.compile_bar = tqdm(
                total=processes, unit=" records", unit_scale=True, desc="compile"
            )
        else:
            self.command.stdout.write(f"compiling: {processes:,} contracting processes")

    def compile_progress(self, done: int) -> None:
        self.compile_done += done
        if self.compile_bar is not None:
            self.compile_bar.update(done)
        elif self.compile_done // 50_000 != self.compile_step:
            self.compile_step = self.compile_done // 50_000
            self.command.stdout.write(f"  {self.compile_done:,} of {self.compile_total:,}")

    def close(self) -> None:
        for bar in (self.bar, self.compile_bar):
            if bar is not None:
                bar.close()
        self.bar = self.compile_bar = None


class Command(BaseCommand):
    help = (
        "Import published OCDS data (release packages, record packages, JSON Lines of either, "
        "gzipped or not; files or directories) into the external data store, then compile the "
        "releases of every contracting process that received one. Running it again on the same "
        "data stores nothing twice; an interrupted run continues where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        parser.add_argument(
            "--index-opportunities",
            action="store_true",
            help="build the open opportunities found by the opportunity search again from every "
            "compiled release (after an upgrade); an import keeps them up to date itself",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"releases per transaction (default {BATCH_SIZE:,})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes compiling releases (default: one per CPU; 1 compiles in this one)",
        )
        parser.add_argument(
            "--again",
            action="store_true",
            help="read files already imported again (their releases are still stored once)",
        )
        parser.add_argument(
            "--no-compile", action="store_true", help="store the releases, compile later"
        )
        parser.add_argument(
            "--report-limit",
            type=int,
            default=1000,
            help="problems shown at most (default 1,000; the summary counts all)",
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "bar", "lines"],
            default="auto",
            help="a progress bar (the default on a terminal) or plain lines",
        )

    def handle(self, *args, paths, **options):
        if options["index_opportunities"]:
            with transaction.atomic():
                count = opportunities.reindex_all()
            self.stdout.write(f"open opportunities from other publishers: {count:,}")
            if not paths:
                return
        if not paths:
            raise CommandError("Give the files or directories to import")
        bar = options["progress"] == "bar" or (
            options["progress"] == "auto" and sys.stdout.isatty()
        )
        reporter = ConsoleReporter(self, limit=options["report_limit"], bar=bar)
        importer = Importer(
            batch_size=options["batch_size"],
            workers=options["workers"],
            again=options["again"],
            compile=not options["no_compile"],
            reporter=reporter,
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
        if summary.file_errors:
            failed = "\n".join(f"  {problem}" for problem in summary.file_errors)
            raise CommandError(f"{len(summary.file_errors)} file(s) could not be read:\n{failed}")

    def _summary(self, summary: Summary) -> None:
        self.stdout.write("")
        for line in summary.lines():
            self.stdout.write(line)
