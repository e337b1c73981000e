"""What an import tells as it goes and at its end: the problems it met (an item or a whole
file it could not take), the counts of its summary, and the reporter that hears of them (the
command draws a progress bar; tests keep the problems in a list)."""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """Something the import could not take: an item (position in the file) or a whole file."""

    path: str
    position: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.position}" if self.position else self.path
        return f"{where}: {self.reason}"


@dataclass
class Summary:
    files: int = 0
    files_imported: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    items_resumed: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    invalid: int = 0
    linked: int = 0
    published_compiled: int = 0
    compiled: int = 0
    compile_failed: int = 0
    compile_skipped: bool = False
    seconds: float = 0.0
    file_errors: list[Problem] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        files = f"files: {self.files:,} ({self.files_imported:,} read to the end"
        if self.files_unchanged:
            files += f", {self.files_unchanged:,} unchanged since imported (skipped)"
        if self.files_failed:
            files += f", {self.files_failed:,} with errors"
        lines = [files + ")"]
        if self.items_resumed:
            lines.append(f"resumed: {self.items_resumed:,} items committed earlier, skipped")
        lines.append(
            f"releases: {self.read:,} read, {self.stored:,} stored, "
            f"{self.duplicates:,} duplicates, {self.invalid:,} invalid (skipped)"
        )
        if self.linked or self.published_compiled:
            lines.append(
                f"records: {self.linked:,} linked releases (no content to store), "
                f"{self.published_compiled:,} compiled releases taken as published"
            )
        if self.compile_skipped:
            compiled = "compiled releases: not rebuilt (--no-compile): the next import does it"
        else:
            compiled = f"compiled releases: {self.compiled:,} rebuilt"
        if self.compile_failed:
            compiled += f", {self.compile_failed:,} could not be merged"
        lines.append(compiled)
        lines.append(f"time: {self.seconds:.1f} s, {self.rate:,.0f} releases/s")
        return lines


class Reporter:
    """What the import tells as it goes. The command draws a progress bar or prints lines;
    this base keeps the problems in a list (enough for tests)."""

    def __init__(self):
        self.problems: list[Problem] = []

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    def file_started(self, path: Path, resume_from: int) -> None:
        pass

    def file_skipped(self, path: Path) -> None:
        pass

    def batch(self, summary: Summary, path: Path) -> None:
        pass

    def file_finished(self, path: Path, summary: Summary) -> None:
        pass

    def compile_started(self, processes: int) -> None:
        pass

    def compile_progress(self, done: int) -> None:
        pass
