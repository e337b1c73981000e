"""Benchmark: `./dev serve` on SQLite under 16 concurrent writers, for each locking choice.

    .venv/bin/python bench/sqlite_concurrency.py [--seconds 30] [--variant NAME ...]

For each variant, starts `./dev serve --no-setup` on a fresh SQLite file in a temporary directory
(gunicorn, DEBUG off, the task worker beside it), with SQLITE_TRANSACTION_MODE and
SQLITE_INIT_COMMAND set as the variant says, and runs the writers of
tests/test_sqlite_concurrency.py (suppliers saving bids and asking questions, the buyer answering,
drafting and publishing) for the given time. Prints the requests answered, the server errors
among them, the requests per second and the worker's failed tasks. The load average is printed
too: on a shared machine, compare runs made side by side.

Measured on 6 December 2026 (2 cores shared with other work, load 4-7; 30 s; requests sent by
12 suppliers, 2 answering buyers, a drafting buyer and a publishing buyer; ok/s are the
answers that were not server errors):

    variant          requests    5xx   req/s   ok/s  failed tasks
    deferred              806    533    26.4    9.0             0   (the old settings)
    deferred-wal         1311    727    43.5   19.4             0
    immediate             466      0    13.4   13.4             0
    immediate-wal        1322      0    42.8   42.8             0   (the settings now)

Every server error was "database is locked". WAL alone does not help: a transaction that read
and then writes still fails at once when another wrote in between. IMMEDIATE alone ends the
errors, but every reader waits for the writer. Both together: no errors and three times the
writes. A first run with kept-alive connections gave the same order (329/183, 602/357,
316/0, 648/0 requests/errors).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_sqlite_concurrency import TASK_TABLE, run_writers, serving, set_up  # noqa: E402

WAL = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
VARIANTS = {
    # name: (transaction mode, init command)
    "deferred": ("DEFERRED", ""),
    "deferred-wal": ("DEFERRED", WAL),
    "immediate": ("IMMEDIATE", ""),
    "immediate-wal": ("IMMEDIATE", WAL),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    args = parser.parse_args()
    print(
        f"{'variant':<15} {'requests':>9} {'5xx':>6} {'req/s':>7} {'ok/s':>6} "
        f"{'failed tasks':>13}  load"
    )
    for name in args.variant or list(VARIANTS):
        mode, init = VARIANTS[name]
        with tempfile.TemporaryDirectory() as root:
            with serving(
                Path(root), SQLITE_TRANSACTION_MODE=mode, SQLITE_INIT_COMMAND=init
            ) as served:
                # the set-up is not measured: it always takes the lock as it begins
                people = set_up(served, SQLITE_TRANSACTION_MODE="IMMEDIATE")
                started = time.monotonic()
                tally = run_writers(served, people, args.seconds)
                elapsed = time.monotonic() - started
                time.sleep(10)  # let the worker catch up before counting its failures
                failed = served.count(
                    f"SELECT COUNT(*) FROM {TASK_TABLE} WHERE status = 'FAILED'"
                )
        answered = sum(tally.statuses.values())
        errors = sum(n for status, n in tally.statuses.items() if status >= 500)
        load = " ".join(f"{n:.1f}" for n in os.getloadavg())
        print(
            f"{name:<15} {answered:>9} {errors:>6} {answered / elapsed:>7.1f} "
            f"{(answered - errors) / elapsed:>6.1f} {failed:>13}  {load}",
            flush=True,
        )


if __name__ == "__main__":
    main()
