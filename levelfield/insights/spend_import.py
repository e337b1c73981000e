"""Importing spend files (`levelfield import-spend`): payments as departments and councils
publish them, CSV or XLSX, read by spend_reading.py and matched by matching.py.

- All or nothing per file: every row is read and checked first; if any row is bad, each bad row
  is reported with its file and line and nothing of that file is stored.
- Idempotent: a file is known by the SHA-256 of its bytes, so the same file imported again, even
  renamed or moved, is skipped; its lines are unique by (file, line).
- Resumable: lines are written in batches, each in one transaction with the file's checkpoint
  (the last line committed), so an interrupted import continues after it. A file's lines count
  (pages, match rate, snapshot) only once the file is complete.
- Matching: the index of known organisations is brought up to date first; each line is
  matched by Companies House number, a person's resolution, then its name normalised.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q, Sum

from levelfield.core import clock

from . import matching, spend_reading
from .models import MatchMethod, SpendFile, SpendLine, SpendRevision
from .spend_reading import SpendFileError

BATCH_SIZE = 2000
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}: line {self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class Summary:
    files: int = 0
    files_imported: int = 0
    files_skipped: int = 0
    files_refused: int = 0
    lines_resumed: int = 0
    stored: int = 0
    matched: int = 0
    amount: Decimal = Decimal("0")
    amount_matched: Decimal = Decimal("0")
    bad_rows: int = 0
    rematched: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.files_refused)

    def lines(self) -> list[str]:
        files = f"files: {self.files:,} ({self.files_imported:,} imported"
        if self.files_skipped:
            files += f", {self.files_skipped:,} already imported (skipped)"
        if self.files_refused:
            files += f", {self.files_refused:,} refused: nothing of them stored"
        out = [files + ")"]
        if self.lines_resumed:
            out.append(f"resumed: {self.lines_resumed:,} lines committed earlier, skipped")
        out.append(f"lines stored: {self.stored:,}")
        if self.rematched:
            out.append(
                f"lines imported before and matched now (newly published organisations): "
                f"{self.rematched:,}"
            )
        if self.bad_rows:
            out.append(f"bad rows: {self.bad_rows:,}")
        out.append(
            "match rate (this run): "
            + rate_text(self.stored, self.matched, self.amount, self.amount_matched)
        )
        return out


def rate_text(lines: int, matched: int, amount: Decimal, amount_matched: Decimal) -> str:
    if not lines:
        return "no lines"
    by_amount = f"{amount_matched / amount:.1%}" if amount else "-"
    return f"{matched / lines:.1%} of lines ({matched:,} of {lines:,}), {by_amount} of the amount"


class Reporter:
    """What an import tells as it goes; the command's prints it, tests keep it."""

    def problem(self, problem: Problem) -> None:
        pass

    def file_started(self, path: Path, rows: int, resume_after: int) -> None:
        pass

    def file_skipped(self, path: Path, spend_file: SpendFile) -> None:
        pass

    def progress(self, rows: int) -> None:
        pass


def paths_in(paths: Iterable[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            )
        else:
            found.append(path)
    return found


def next_revision() -> int:
    """A new revision number (locks the counter until the caller's transaction commits)."""
    mark = SpendRevision.objects.select_for_update().filter(pk=1).first()
    if mark is None:
        mark = SpendRevision.objects.create(pk=1, last=0)
        mark = SpendRevision.objects.select_for_update().get(pk=1)
    mark.last += 1
    mark.save(update_fields=["last"])
    return mark.last


class SpendImporter:
    def __init__(
        self,
        *,
        batch_size: int = BATCH_SIZE,
        body: str = "",
        reporter: Reporter | None = None,
        after_batch: Callable[[int], None] | None = None,
    ):
        self.batch_size = max(1, batch_size)
        self.body = body
        self.reporter = reporter or Reporter()
        self.after_batch = after_batch  # called with the lines committed so far (tests)
        self.summary = Summary()
        self.matcher: matching.Matcher | None = None

    def run(self, paths: Iterable[Path]) -> Summary:
        paths = paths_in(paths)
        if matching.refresh_index():
            self.matcher = matching.Matcher()
            self.summary.rematched = rematch_unmatched(self.matcher)
        else:
            self.matcher = matching.Matcher()
        for path in paths:
            self.summary.files += 1
            self.import_file(path)
        return self.summary

    def _refuse(self, path: Path, problems: list[Problem]) -> None:
        self.summary.files_refused += 1
        for problem in problems:
            self.summary.problems.append(problem)
            self.reporter.problem(problem)

    def _check(self, path: Path, utf8: bool) -> tuple[int, list[Problem]]:
        """(rows, problems): every row read and checked, nothing stored."""
        rows, problems = 0, []
        try:
            _, cells_rows = spend_reading.open_rows(path, utf8=utf8)
            for line, cells in cells_rows:
                row, reasons = spend_reading.parse_row(line, cells, default_body=self.body)
                if row is None:
                    problems.append(Problem(str(path), line, "; ".join(reasons)))
                else:
                    rows += 1
        except SpendFileError as exc:
            return 0, [Problem(str(path), None, str(exc))]
        except OSError as exc:
            return 0, [Problem(str(path), None, f"cannot be read ({exc.strerror or exc})")]
        if not problems and not rows:
            problems.append(Problem(str(path), None, "a header row but no payments"))
        return rows, problems

    def import_file(self, path: Path) -> None:
        try:
            sha256, size, utf8 = spend_reading.file_facts(path)
        except OSError as exc:
            self._refuse(path, [Problem(str(path), None, f"cannot be read ({exc.strerror})")])
            return
        existing = SpendFile.objects.filter(sha256=sha256).first()
        if existing is not None and existing.complete:
            self.summary.files_skipped += 1
            self.reporter.file_skipped(path, existing)
            return
        rows, problems = self._check(path, utf8)
        if problems:
            self.summary.bad_rows += sum(1 for p in problems if p.line)
            self._refuse(path, problems)
            return
        now = clock.now()
        if existing is None:
            existing = SpendFile.objects.create(
                name=path.name[:255],
                path=str(path),
                sha256=sha256,
                size=size,
                rows=rows,
                started=now,
                updated=now,
            )
        elif existing.lines_done:
            self.summary.lines_resumed += existing.lines.count()
        self.reporter.file_started(path, rows, existing.lines_done)
        self._store(path, existing, utf8)
        self.summary.files_imported += 1

    def _store(self, path: Path, spend_file: SpendFile, utf8: bool) -> None:
        _, cells_rows = spend_reading.open_rows(path, utf8=utf8)
        batch: list[SpendLine] = []
        for line, cells in cells_rows:
            if line <= spend_file.lines_done:
                continue
            row, _ = spend_reading.parse_row(line, cells, default_body=self.body)
            batch.append(self._line(spend_file, row))
            if len(batch) >= self.batch_size:
                self._commit(spend_file, batch)
                batch = []
        if batch:
            self._commit(spend_file, batch)
        with transaction.atomic():
            revision = next_revision()
            SpendLine.objects.filter(file=spend_file).update(revision=revision)
            spend_file.complete = True
            spend_file.updated = clock.now()
            spend_file.save(update_fields=["complete", "updated"])

    def _line(self, spend_file: SpendFile, row) -> SpendLine:
        assert self.matcher is not None  # made by run(), before any file is read
        organisation_id, method = self.matcher.match(row.supplier_key, row.supplier_ch)
        return SpendLine(
            file=spend_file,
            line=row.line,
            body=row.body,
            date=row.date,
            expense_type=row.expense_type,
            supplier_name=row.supplier_name,
            supplier_key=row.supplier_key,
            supplier_ch=row.supplier_ch,
            amount=row.amount,
            transaction_number=row.transaction_number,
            organisation_id=organisation_id,
            match=method,
        )

    def _commit(self, spend_file: SpendFile, batch: list[SpendLine]) -> None:
        with transaction.atomic():
            SpendLine.objects.bulk_create(batch, ignore_conflicts=True)
            spend_file.lines_done = batch[-1].line
            spend_file.updated = clock.now()
            spend_file.save(update_fields=["lines_done", "updated"])
        self.summary.stored += len(batch)
        for line in batch:
            self.summary.amount += line.amount
            if line.organisation_id:
                self.summary.matched += 1
                self.summary.amount_matched += line.amount
        self.reporter.progress(len(batch))
        if self.after_batch is not None:
            self.after_batch(self.summary.stored)


def rematch_unmatched(matcher: matching.Matcher) -> int:
    """Match again the lines nothing matched, against an index that has grown; returns how many
    lines are matched now."""
    pairs = (
        SpendLine.objects.filter(match="")
        .values_list("supplier_key", "supplier_ch")
        .distinct()
        .order_by()
    )
    found = []
    for key, ch in pairs.iterator(chunk_size=5000):
        organisation_id, method = matcher.match(key, ch)
        if organisation_id:
            found.append((key, ch, organisation_id, method))
    if not found:
        return 0
    changed = 0
    with transaction.atomic():
        revision = next_revision()
        for key, ch, organisation_id, method in found:
            changed += SpendLine.objects.filter(match="", supplier_key=key, supplier_ch=ch).update(
                organisation_id=organisation_id, match=method, revision=revision
            )
    return changed


def overall_rate() -> str:
    """The match rate over every complete file."""
    lines = SpendLine.objects.filter(file__complete=True)
    totals = lines.aggregate(
        n=Count("pk"),
        n_matched=Count("pk", filter=Q(organisation__isnull=False)),
        total=Sum("amount"),
        total_matched=Sum("amount", filter=Q(organisation__isnull=False)),
    )
    return rate_text(
        totals["n"],
        totals["n_matched"],
        totals["total"] or Decimal("0"),
        totals["total_matched"] or Decimal("0"),
    )


__all__ = ["BATCH_SIZE", "MatchMethod", "Problem", "Reporter", "SpendImporter", "Summary"]
