"""Tasks for tests of worker processes: each run writes lines to the file named by
LEVELFIELD_PROBE_FILE (appended, one write a line), so a test counts the runs that really
happened, not the rows that claimed them."""

import os
import time
from pathlib import Path

from django_tasks import task


def _note(line: str) -> None:
    with open(os.environ["LEVELFIELD_PROBE_FILE"], "a") as out:
        out.write(f"{line} {os.getpid()}\n")


def lines(path: Path) -> list[str]:
    """The lines written, without the process ids."""
    if not path.exists():
        return []
    return [line.rsplit(" ", 1)[0] for line in path.read_text().splitlines()]


@task()
def probe() -> None:
    _note("probe")


@task()
def slow(*, name: str, until: str) -> None:
    """Note the start, wait until the file `until` exists, note the end: a test kills the worker
    in between."""
    _note(f"start {name}")
    while not Path(until).exists():
        time.sleep(0.05)
    _note(f"done {name}")
