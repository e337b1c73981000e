"""Helpers for tests that run levelfield's own processes (`levelfield worker`, `import-ocds`,
gunicorn) beside the test, on the test's database.

`shared_database` gives the processes a DATABASE_URL: on PostgreSQL the test database itself
(the test must be transactional, so what it writes is committed and they see it); on SQLite,
whose test database lives in memory, a file copied from it, copied back when the block ends so
the test reads with the ORM what the processes wrote."""

import email
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent
LEVELFIELD = [sys.executable, "-m", "levelfield.cli"]

# The environment's own settings that would point a process elsewhere than the test's database
# and folders; each process gets them from `process_env`.
OWN_SETTINGS = {
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "TASKS_BACKEND",
    "MEDIA_ROOT",
    "DOWNLOADS_ROOT",
    "LEVELFIELD_VAR_DIR",
    "EMAIL_BACKEND",
    "DJANGO_SETTINGS_MODULE",
    "LEVELFIELD_STORAGE",
}


def postgres_url(settings_dict: dict, name: str | None = None) -> str:
    user = quote(settings_dict.get("USER") or "postgres")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name or settings_dict['NAME']}"


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for processes started in the block, holding what the test wrote so far."""
    if connection.vendor == "postgresql":
        yield postgres_url(connection.settings_dict)
        return
    connection.ensure_connection()
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "shared.sqlite3"
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    try:
        yield f"sqlite:///{path}"
    finally:
        with closing(sqlite3.connect(path)) as copy:
            copy.backup(connection.connection)


def query(database_url: str, sql: str) -> list[tuple]:
    """Rows from the processes' database while they run (on SQLite, their file, read-only)."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
            return db.execute(sql).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def sent_emails(folder: Path) -> list[tuple[str, str]]:
    """(To, Subject) of each email the file email backend wrote in `folder` (one file per
    connection, messages separated by a line of dashes)."""
    sent = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for part in path.read_text().split("-" * 79):
            if part.strip():
                message = email.message_from_string(part.strip())
                sent.append((message["To"], message["Subject"]))
    return sent


def process_env(database_url: str, root: Path, **extra: str) -> dict[str, str]:
    """The environment of a levelfield process on `database_url`, its files under `root`."""
    env = {key: value for key, value in os.environ.items() if key not in OWN_SETTINGS}
    root.mkdir(parents=True, exist_ok=True)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="1",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LEVELFIELD_VAR_DIR=str(root / "var"),
        MEDIA_ROOT=str(root / "media"),
        DOWNLOADS_ROOT=str(root / "downloads"),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(root / "emails"),
        DJANGO_SETTINGS_MODULE="tests.settings_processes",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the suites on SQLite and PostgreSQL
    may run side by side: no fixed ports)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], *, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """Run a command to its end in its own process group, its output captured. Past `timeout`
    the whole group is killed, children included (a gunicorn a script started would otherwise
    hold the output's pipe open and the wait would never end), and the test fails."""
    process = subprocess.Popen(
        args,
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=30)
        raise AssertionError(
            f"{' '.join(args)} ran past {timeout:g} s\n{(stdout + stderr)[-4000:]}"
        ) from None
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `levelfield <args>` in its own process group, its output in `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [*LEVELFIELD, *args],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen, *, wait: float = 60) -> int | None:
    """SIGTERM, then SIGKILL if it has not ended within `wait` seconds; its return code."""
    for sig, timeout in ((signal.SIGTERM, wait), (signal.SIGKILL, 30)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue
    return process.returncode


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, no clean-up: as the machine going away would leave it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def wait_until(
    condition: Callable[[], object],
    *,
    what: str,
    seconds: float = 180,
    processes: tuple[subprocess.Popen, ...] = (),
    logs: tuple[Path, ...] = (),
) -> object:
    """Poll `condition` until it returns something true; fail naming `what` after `seconds`, or
    at once if one of `processes` has ended (with their logs)."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        ended = [p for p in processes if p.poll() is not None]
        if ended or time.monotonic() > deadline:
            told = "\n".join(
                f"--- {log}\n{log.read_text()[-4000:]}" for log in logs if log.exists()
            )
            why = f"a process ended ({ended[0].returncode})" if ended else "time ran out"
            raise AssertionError(f"waiting for {what}: {why}\n{told}")
        time.sleep(0.2)
