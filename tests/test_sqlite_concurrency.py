"""`./dev serve` as a user meets it: gunicorn with several processes, DEBUG off, and the
background task worker, all on one SQLite file.

Sixteen clients write at once for 30 seconds through the API (suppliers saving bids and asking
clarification questions, the buyer answering them, drafting and publishing tenders), and each
question, answer and publication queues a task the worker runs and records. No request may fail
with a server error ("database is locked" was one) and every write the server acknowledged must
be stored. The same server answers an unknown address with the GOV.UK "Page not found" page, not
Django's debug page, and signs people in over plain http.

On the catalogue (the marketplace) too: eight of a buyer's staff starting projects at once get
one reference each, in turn with none missed, and projects run to their outcome by several people
at once (three ending one project's search, then two admins awarding its call-off) are ended once
and awarded once, the others told so (409)."""

import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from tests.processes import free_port

PROJECT = Path(__file__).resolve().parents[1]
LEVELFIELD = PROJECT / ".venv" / "bin" / "levelfield"
SUPPLIERS = 12
WRITERS = SUPPLIERS + 4
SECONDS = 30
DRAFTS_TO_PUBLISH = 6
TASK_TABLE = "django_tasks_database_dbtaskresult"  # django_tasks_db's results
SEND_EMAIL = "levelfield.core.notify.send_email"
STARTERS = 8
STARTING_SECONDS = 8
STARTED_EACH = 4  # projects each starter starts at least, however long they take
OUTCOME_ROUNDS = 10

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="./dev serve on its embedded SQLite default (one writer at a time) is tested in the "
    "SQLite run: DATABASE_URL points to another database",
)

# Run inside the served project (`levelfield shell -c`) once it is up: a buyer with an open
# tender and drafts ready to publish, and suppliers, each with an API token.
SET_UP = """
import json
from tests.support import testing
from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.tenders.actions_amend import record_interest

buyer = testing.buyer_org("Concurrency County Council")
officer = testing.member(buyer, Role.BUYER_OFFICER, email="officer@concurrency.example")
tender = testing.published_tender(buyer=buyer, by=officer, title="Road gritting")
lot = tender.lots.get()
drafts = [
    testing.draft_tender(buyer=buyer, by=officer, title=f"Winter service {n}").pk
    for n in range(DRAFTS)
]
suppliers = []
for n in range(SUPPLIERS):
    organisation, user = testing.supplier_with_user(f"Concurrent Supplier {n}")
    # each has seen the opportunity, so each answer is emailed to every supplier (once each)
    record_interest(tender=tender, supplier=organisation)
    suppliers.append(create_api_token(user=user, name="concurrency test")[1])
print(json.dumps({
    "buyer_token": create_api_token(user=officer, name="concurrency test")[1],
    "officer_email": officer.email,
    "password": testing.PASSWORD,
    "tender_id": tender.pk,
    "reference": tender.reference,
    "lot_id": lot.pk,
    "question_ids": list(lot.questions.values_list("pk", flat=True)),
    "drafts": drafts,
    "suppliers": suppliers,
}))
"""

# Run inside the served project too: the buying tests' catalogue (a live framework, suppliers'
# live listings) with its buyer, whose two admins and officer run projects to their outcome, and
# another buyer whose officers and admins start projects together; each person with an API token.
MARKETPLACE_SET_UP = """
import json
from tests.support import testing
from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.marketplace.tests.buying_builders import catalogue

# This is another process than SET_UP's: its people's addresses (person<n>@example.org) and the
# organisations' names would otherwise be made again.
testing.UserFactory.reset_sequence(1000)
testing.OrganisationFactory.reset_sequence(1000)

def token(user):
    return create_api_token(user=user, name="concurrency test")[1]

shop = catalogue()
starting = testing.buyer_org("Concurrent Projects District Council")
starters = [
    testing.member(starting, Role.BUYER_ADMIN if n % 2 else Role.BUYER_OFFICER)
    for n in range(STARTERS)
]
print(json.dumps({
    "starting_buyer_id": starting.pk,
    "starters": [token(user) for user in starters],
    "buyer_id": shop.buyer.pk,
    "admins": [token(shop.admin), token(testing.member(shop.buyer, Role.BUYER_ADMIN))],
    "officer": token(shop.officer),
    "lot_id": shop.lots[0].pk,
}))
"""


# what `./dev serve` decides for itself, or the test sets
SERVER_OWN_SETTINGS = {
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "TASKS_BACKEND",
    "MEDIA_ROOT",
    "DOWNLOADS_ROOT",
    "STATIC_ROOT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SITE_URL",
}


class Served:
    def __init__(self, url: str, database: Path, env: dict, log: Path):
        self.url = url
        self.database = database
        self.env = env
        self.log = log

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30) as db:
            return db.execute(sql, params).fetchall()

    def count(self, sql: str, *params) -> int:
        return self.rows(sql, *params)[0][0]


@contextmanager
def serving(root: Path, **extra_env):
    """`./dev serve` (without its package and asset steps) on a var directory under `root`,
    until the block ends."""
    env = {key: value for key, value in os.environ.items() if key not in SERVER_OWN_SETTINGS}
    port = free_port()
    env.update(
        LEVELFIELD_VAR_DIR=str(root / "var"),
        STATIC_ROOT=str(root / "static"),
        PORT=str(port),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        **extra_env,
    )
    log = root / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(PROJECT / "dev"), "serve", "--no-setup"],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                stopped = f"./dev serve stopped ({process.returncode})"
                raise RuntimeError(f"{stopped}:\n{log.read_text()}")
            try:
                if requests.get(url + "/", timeout=30).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"./dev serve did not answer in time:\n{log.read_text()}")
            time.sleep(0.5)
        yield Served(url, root / "var" / "levelfield.sqlite3", env, log)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Ends `./dev serve`, the worker and gunicorn's processes: its own process group."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


def set_up(served: Served, **extra_env) -> dict:
    """The buyer, its tenders and the suppliers' tokens (SET_UP), made in the served project."""
    script = SET_UP.replace("DRAFTS", str(DRAFTS_TO_PUBLISH)).replace("SUPPLIERS", str(SUPPLIERS))
    return in_project(served, script, **extra_env)


def in_project(served: Served, script: str, **extra_env) -> dict:
    """Runs a set-up `script` in the served project; the JSON its last line prints."""
    result = subprocess.run(
        [str(LEVELFIELD), "shell", "-c", script],
        cwd=PROJECT,
        # the script imports the test helpers (tests.support), which are not installed
        env={**served.env, "PYTHONPATH": str(PROJECT), **extra_env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(f"The set-up failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def prices_through_the_project(served: Served, bid_ids: list[int]) -> dict[str, str]:
    """Bids' prices as the served project reads them (`levelfield shell`, with the
    key-encryption key `./dev serve` made in its var directory)."""
    script = (
        "import json; from levelfield.bids.models import Bid; "
        f"print(json.dumps({{b.pk: str(b.price) for b in Bid.objects.filter(pk__in={bid_ids})}}))"
    )
    kek = (served.database.parent / "kek").read_text().strip()
    result = subprocess.run(
        [str(LEVELFIELD), "shell", "-c", script],
        cwd=PROJECT,
        env={**served.env, "LEVELFIELD_KEK": kek},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(f"Reading the prices failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as served:
        yield served


@pytest.fixture(scope="module")
def people(served):
    return set_up(served)


@pytest.fixture(scope="module")
def catalogue(served):
    return in_project(served, MARKETPLACE_SET_UP.replace("STARTERS", str(STARTERS)))


class Tally:
    """What the clients saw: every status, each server error's body, and what was stored."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.server_errors: list[str] = []
        self.asked: set[int] = set()
        self.answered: set[int] = set()
        self.created: set[int] = set()
        self.published: set[int] = set()
        self.bids: set[int] = set()
        self.saves = 0
        self.last_price: dict[int, str] = {}

    def response(self, method: str, path: str, response) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{method} {path}: {response.status_code}")


def _client(served, token: str, tally: Tally):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    # A new connection for each request: gunicorn closes one kept alive after 2 s idle, and a
    # request sent on it just then would meet the reset, which says nothing about the database.
    session.headers["Connection"] = "close"

    def call(method: str, path: str, **kwargs):
        try:
            response = session.request(method, served.url + path, timeout=60, **kwargs)
        except requests.RequestException as exc:
            with tally.lock:
                tally.server_errors.append(f"{method} {path}: no answer ({exc})")
            raise
        tally.response(method, path, response)
        return response

    return call


def _supplier(served, people, token: str, n: int, tally: Tally, until: float) -> None:
    call = _client(served, token, tally)
    started = call("POST", f"/api/supplier/lots/{people['lot_id']}/bid")
    if started.status_code != 200:
        return
    bid_id = started.json()["id"]
    with tally.lock:
        tally.bids.add(bid_id)
    round_ = 0
    while time.monotonic() < until:
        round_ += 1
        price = f"{1000 + n}.{round_ % 100:02d}"
        answers = [{"question_id": q, "text": f"Answer {round_}"} for q in people["question_ids"]]
        saved = call(
            "PATCH", f"/api/supplier/bids/{bid_id}", json={"price": price, "answers": answers}
        )
        if saved.status_code == 200:
            with tally.lock:
                tally.saves += 1
                tally.last_price[bid_id] = price
        asked = call(
            "POST",
            f"/api/supplier/tenders/{people['reference']}/questions",
            json={"question": f"Question {round_} from supplier {n}: is gritting daily?"},
        )
        if asked.status_code == 201:
            with tally.lock:
                tally.asked.add(asked.json()["id"])


def _answerer(served, people, n: int, tally: Tally, until: float) -> None:
    """Two of these share the questions, by id, so they never answer the same one."""
    call = _client(served, people["buyer_token"], tally)
    tender_id = people["tender_id"]
    while time.monotonic() < until:
        listed = call("GET", f"/api/buyer/tenders/{tender_id}/clarifications")
        waiting = [
            c["id"]
            for c in (listed.json() if listed.status_code == 200 else [])
            if not c.get("answer") and c["id"] % 2 == n
        ]
        if not waiting:
            time.sleep(0.2)
        for clarification_id in waiting[:5]:
            answered = call(
                "POST",
                f"/api/buyer/tenders/{tender_id}/clarifications/{clarification_id}/answer",
                json={"answer": "Yes, daily from November to March."},
            )
            if answered.status_code == 200:
                with tally.lock:
                    tally.answered.add(clarification_id)


def _drafter(served, people, tally: Tally, until: float) -> None:
    call = _client(served, people["buyer_token"], tally)
    n = 0
    while time.monotonic() < until:
        n += 1
        created = call(
            "POST",
            "/api/buyer/tenders",
            json={"title": f"Pothole repairs {n}", "description": "Repairs across the county."},
        )
        if created.status_code == 201:
            with tally.lock:
                tally.created.add(created.json()["id"])
            call(
                "PATCH",
                f"/api/buyer/tenders/{created.json()['id']}",
                json={"description": f"Repairs across the county, round {n}."},
            )


def _publisher(served, people, tally: Tally, until: float) -> None:
    """Each publication queues a rebuild of the open data downloads, which the worker runs."""
    call = _client(served, people["buyer_token"], tally)
    for tender_id in people["drafts"]:
        if time.monotonic() >= until:
            return
        published = call("POST", f"/api/buyer/tenders/{tender_id}/publish")
        if published.status_code == 200:
            with tally.lock:
                tally.published.add(tender_id)
        time.sleep(2)


def run_writers(served: Served, people: dict, seconds: float = SECONDS) -> Tally:
    """Sixteen clients writing at once for `seconds`; what they saw."""
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_supplier, args=(served, people, token, n, tally, until))
        for n, token in enumerate(people["suppliers"])
    ]
    threads += [
        threading.Thread(target=_answerer, args=(served, people, n, tally, until)) for n in range(2)
    ]
    threads.append(threading.Thread(target=_drafter, args=(served, people, tally, until)))
    threads.append(threading.Thread(target=_publisher, args=(served, people, tally, until)))
    assert len(threads) == WRITERS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 240)
    assert not any(thread.is_alive() for thread in threads)
    return tally


def wait_for_the_queue(served: Served, seconds: float = 180) -> None:
    """Until the worker has run every task queued so far (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while (
        served.count(f"SELECT COUNT(*) FROM {TASK_TABLE} WHERE status IN ('READY', 'RUNNING')")
        and time.monotonic() < deadline
    ):
        time.sleep(1)


def test_sixteen_writers_and_the_worker_share_one_sqlite_file(served, people):
    # The daily jobs `./dev serve` queued as it started (reminders, digests) email too: they
    # are done before the count that the writers' emails are told from.
    wait_for_the_queue(served)
    emails_before = served.count(
        f"SELECT COUNT(*) FROM {TASK_TABLE} WHERE task_path = ?", SEND_EMAIL
    )
    tally = run_writers(served, people)

    summary = (
        f"statuses {dict(tally.statuses)}; first errors: {tally.server_errors[:3]} "
        f"(the server's log: {served.log})"
    )
    assert not tally.server_errors, summary
    # Every kind of write happened, and each acknowledged write is stored.
    assert tally.asked and tally.answered and tally.created and tally.published, summary
    assert len(tally.bids) == SUPPLIERS
    asked_stored = {
        pk
        for (pk,) in served.rows(
            "SELECT id FROM tenders_clarification WHERE tender_id = ?", people["tender_id"]
        )
    }
    assert asked_stored == tally.asked
    answered_stored = {
        pk
        for (pk,) in served.rows(
            "SELECT id FROM tenders_clarification WHERE tender_id = ? AND answered_at IS NOT NULL",
            people["tender_id"],
        )
    }
    assert answered_stored == tally.answered
    bids = ", ".join(str(pk) for pk in tally.bids)
    assert tally.saves == served.count(
        f"SELECT COUNT(*) FROM core_auditevent WHERE action = 'bid.saved' AND object_id IN ({bids})"
    )
    # Each bid's last price is what the server keeps: sealed at rest (its column empty, issue
    # 17), and read back through the served project with its key-encryption key.
    stored = prices_through_the_project(served, list(tally.last_price))
    for bid_id, price in tally.last_price.items():
        assert served.rows(
            "SELECT price, sealed IS NOT NULL FROM bids_bid WHERE id = ?", bid_id
        ) == [(None, 1)]
        assert Decimal(stored[str(bid_id)]) == Decimal(price)
    created_stored = {
        pk for (pk,) in served.rows("SELECT id FROM tenders_tender WHERE title LIKE 'Pothole%'")
    }
    assert created_stored == tally.created
    published_stored = {
        pk
        for (pk,) in served.rows(
            "SELECT id FROM tenders_tender WHERE title LIKE 'Winter service%' "
            "AND published_at IS NOT NULL"
        )
    }
    assert published_stored == tally.published

    # The worker ran every task those writes queued: an email to the officer for each question,
    # the answers' emails (nothing else emails during the run), and the downloads
    # rebuilt after publications.
    wait_for_the_queue(served)
    tasks = Counter(
        dict(
            served.rows(
                f"SELECT task_path || ' ' || status, COUNT(*) FROM {TASK_TABLE} "
                "GROUP BY task_path, status"
            )
        )
    )
    assert not [task for task in tasks if not task.endswith("SUCCESSFUL")], tasks
    emails_sent = tasks[f"{SEND_EMAIL} SUCCESSFUL"] - emails_before

    # An email to the officer for each question; each answer to every supplier (all of them
    # interested from the start: the asker told its question is answered, the others of the
    # answer), one email each.
    assert emails_sent == len(tally.asked) + len(tally.answered) * SUPPLIERS, tasks
    assert tasks["levelfield.opendata.tasks.regenerate_downloads SUCCESSFUL"] >= 1, tasks


def at_once(*calls) -> list:
    """Each call in its own thread, all released together: what each answered (or raised)."""
    answers: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        try:
            answers[index] = call()
        except requests.RequestException as exc:  # _client has told the tally
            answers[index] = exc

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def posting(call, path: str, body: dict | None = None):
    """A POST of `body` to `path` by the client `call`, for at_once."""
    return lambda: call("POST", path, json=body)


def _log_since(served: Served, offset: int) -> str:
    """What the server has logged since `offset` (its log's size before)."""
    with open(served.log, "rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


def test_staff_starting_projects_together_get_a_reference_each(served, catalogue):
    """Eight of a buyer's officers and admins start catalogue projects as fast as they are
    answered, for some seconds (and four each at least): each project made has its own
    reference, the buyer's P-<year>-<number>s one after another with none missed, and each
    project acknowledged is stored."""
    log_offset = served.log.stat().st_size
    tally = Tally()
    made: dict[int, str] = {}
    until = time.monotonic() + STARTING_SECONDS

    def starter(n: int, token: str) -> None:
        call = _client(served, token, tally)
        round_ = 0
        while round_ < STARTED_EACH or time.monotonic() < until:
            round_ += 1
            started = call(
                "POST",
                "/api/marketplace/projects",
                json={"name": f"Laptops {n}.{round_}", "need": "Laptops for the libraries."},
            )
            if started.status_code == 201:
                with tally.lock:
                    made[started.json()["id"]] = started.json()["reference"]

    threads = [
        threading.Thread(target=starter, args=(n, token))
        for n, token in enumerate(catalogue["starters"])
    ]
    assert len(threads) == STARTERS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=STARTING_SECONDS + 240)
    assert not any(thread.is_alive() for thread in threads)

    summary = (
        f"statuses {dict(tally.statuses)}; first errors: {tally.server_errors[:3]} "
        f"(the server's log: {served.log})"
    )
    assert not tally.server_errors, summary
    assert set(tally.statuses) == {201}, summary
    # a project of its own for each answer, and each of them stored
    assert len(made) == tally.statuses[201] >= STARTERS * STARTED_EACH, summary
    stored = dict(
        served.rows(
            "SELECT id, reference FROM marketplace_project WHERE buyer_id = ?",
            catalogue["starting_buyer_id"],
        )
    )
    assert stored == made
    prefixes = {reference.rsplit("-", 1)[0] for reference in made.values()}
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in made.values())
    assert len(prefixes) == 1 and re.fullmatch(r"P-[0-9]{4}", prefixes.pop()), made
    assert numbers == list(range(1, len(made) + 1)), sorted(made.values())
    ids = ", ".join(str(pk) for pk in made)
    assert served.count(
        "SELECT COUNT(*) FROM core_auditevent WHERE action = 'marketplace.project_created' "
        f"AND object_id IN ({ids})"
    ) == len(made)
    assert "database is locked" not in _log_since(served, log_offset)


def test_staff_ending_and_awarding_one_project_together_make_one_call_off(served, catalogue):
    """Projects run to their outcome by several people at once. The two admins and the officer
    end a project's search together: one ends it, the others are told it has ended. Then the two
    admins award its call-off together, each at their own value: one award is made, the other
    is told the outcome is already recorded, and the project has one outcome and one contract,
    the winner's."""
    # (here, not at the top: bench/sqlite_concurrency.py imports this module without Django)
    from levelfield.marketplace.actions.outcomes import ALREADY

    log_offset = served.log.stat().st_size
    tally = Tally()
    first, second = (_client(served, token, tally) for token in catalogue["admins"])
    officer = _client(served, catalogue["officer"], tally)
    awarded: dict[int, tuple[str, str]] = {}  # project -> its reference, the value awarded
    refusals: Counter = Counter()

    def summary() -> str:
        return (
            f"statuses {dict(tally.statuses)}; first errors: {tally.server_errors[:3]} "
            f"(the server's log: {served.log})"
        )

    for round_ in range(OUTCOME_ROUNDS):
        started = officer("POST", "/api/marketplace/projects", json={"name": f"Hosting {round_}"})
        assert started.status_code == 201, started.text
        project = started.json()
        path = f"/api/marketplace/projects/{project['id']}"
        saved = officer("POST", path + "/searches", json={"lot": [catalogue["lot_id"]]})
        assert saved.status_code == 201, saved.text

        ended = at_once(*(posting(call, path + "/end") for call in (first, second, officer)))
        assert not tally.server_errors, summary()
        assert sorted(answer.status_code for answer in ended) == [200, 409, 409], summary()
        for answer in ended:
            if answer.status_code == 409:
                assert answer.json()["code"] == "invalid_state"
                refusals["end"] += 1
        shortlist = next(a for a in ended if a.status_code == 200).json()["shortlist"]
        assert shortlist

        # a week ahead: whatever the UK's date is against this machine's, never in the past
        start = date.today() + timedelta(days=7)
        award = {
            "awarded": True,
            "entry_id": shortlist[0]["id"],
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=364)).isoformat(),
            "reason": "The cheapest service meeting the need",
        }
        answers = at_once(
            posting(first, path + "/outcome", {**award, "value": "5000.00"}),
            posting(second, path + "/outcome", {**award, "value": "6000.00"}),
        )
        assert not tally.server_errors, summary()
        assert sorted(answer.status_code for answer in answers) == [201, 409], summary()
        won = next(answer for answer in answers if answer.status_code == 201).json()
        lost = next(answer for answer in answers if answer.status_code == 409).json()
        assert (lost["code"], lost["message"]) == ("invalid_state", ALREADY)
        refusals["award"] += 1
        assert won["awarded"] and won["contract_reference"]
        awarded[project["id"]] = (project["reference"], won["value"])

    # Each project: awarded, once, with the one call-off contract of the award that won.
    for project_id, (reference, value) in awarded.items():
        assert served.rows("SELECT status FROM marketplace_project WHERE id = ?", project_id) == [
            ("awarded",)
        ]
        outcomes = served.rows(
            "SELECT CAST(value AS TEXT) FROM marketplace_outcome WHERE project_id = ?", project_id
        )
        assert [Decimal(v) for (v,) in outcomes] == [Decimal(value)], (reference, outcomes)
        contracts = served.rows(
            "SELECT CAST(value AS TEXT) FROM contracts_contract "
            "WHERE buyer_id = ? AND title LIKE ?",
            catalogue["buyer_id"],
            f"%({reference})",
        )
        assert [Decimal(v) for (v,) in contracts] == [Decimal(value)], (reference, contracts)
    assert (
        served.count(
            "SELECT COUNT(*) FROM contracts_contract WHERE buyer_id = ?", catalogue["buyer_id"]
        )
        == OUTCOME_ROUNDS
    )
    assert refusals == {"end": 2 * OUTCOME_ROUNDS, "award": OUTCOME_ROUNDS}
    assert "database is locked" not in _log_since(served, log_offset)


def test_served_without_debug_pages(served):
    """An unknown address is the GOV.UK "Page not found" page, not the list of URL patterns."""
    response = requests.get(served.url + "/no-such-page/", timeout=30)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "govuk-template" in response.text
    assert "URLconf" not in response.text
    assert "api/" not in re.sub(r'(href|src)="[^"]*"', "", response.text)
    # Static files come from the collected, fingerprinted set (whitenoise, DEBUG off).
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', response.text)
    assert stylesheet and re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))
    assert requests.get(served.url + stylesheet.group(1), timeout=30).status_code == 200


def test_signing_in_works_over_plain_http(served, people):
    """The session and CSRF cookies are not Secure-only locally, so a sign-in over
    http://127.0.0.1 keeps its session."""
    browser = requests.Session()
    form = browser.get(served.url + "/account/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    signed_in = browser.post(
        served.url + "/account/sign-in/",
        data={
            "csrfmiddlewaretoken": token,
            "username": people["officer_email"],
            "password": people["password"],
        },
        headers={"Referer": served.url + "/account/sign-in/"},
        timeout=30,
    )
    assert signed_in.status_code == 200
    assert signed_in.url.rstrip("/") != (served.url + "/account/sign-in")
    assert "Sign out" in signed_in.text


def test_links_the_server_makes_lead_to_it(served):
    """`./dev serve` on another PORT makes its links (emails, the OCDS publisher and policy) to
    that port, not to 8000 where nothing answers."""
    package = requests.get(served.url + "/api/ocds/releases?limit=1", timeout=30).json()
    assert package["publisher"]["uri"] == served.url
    assert package["publicationPolicy"] == served.url + "/open-data/publication-policy/"
