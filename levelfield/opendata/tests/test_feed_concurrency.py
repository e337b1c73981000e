"""A harvester paging the feed while releases are being published neither misses nor repeats
one. Needs PostgreSQL, where writers really run at the same time as readers:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield \\
        .venv/bin/pytest -p no:cacheprovider levelfield/opendata/tests/test_feed_concurrency.py

Writers publish in their own transactions, some holding theirs open a while after `publish`
handed out a position, so positions are committed late. Were positions visible out of order,
the harvester would move its cursor past a release not yet committed and miss it."""

import random
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from levelfield.opendata import publisher
from levelfield.opendata.models import Release

from .conftest import BUYER_ID, release_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writes need PostgreSQL: run with "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield",
    ),
]

WRITERS = 6
RELEASES_EACH = 15
STAGES = ("tender", "tenderAmendment", "award")


def write(number: int, errors: list) -> None:
    rng = random.Random(number)
    try:
        for i in range(RELEASES_EACH):
            time.sleep(rng.uniform(0, 0.01))
            tags, data = release_data(STAGES[i % 3], title=f"Writer {number}")
            with transaction.atomic():
                publisher.publish(
                    ocid=publisher.ocid_for(f"W{number}-{i // 3}"),
                    tags=tags,
                    data=data,
                    buyer_id=BUYER_ID,
                )
                if rng.random() < 0.3:
                    # The position is handed out; the commit comes late.
                    time.sleep(rng.uniform(0.01, 0.05))
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


def harvest(seen: list, started: threading.Event, writers_done: threading.Event, errors: list):
    """Follow links.next; on an empty page, ask again from the same URL until the writers are
    done and a page asked for after that is empty."""
    client, url = Client(), "/api/ocds/releases?limit=7"
    try:
        while True:
            finished = writers_done.is_set()
            started.set()
            page = client.get(url).json()
            seen.extend(release["id"] for release in page["releases"])
            if page["links"].get("next"):
                url = page["links"]["next"]
            elif finished:
                return
            else:
                time.sleep(0.01)
    except Exception as exc:
        errors.append(exc)
    finally:
        connections.close_all()


def test_a_harvester_paging_during_concurrent_writes_sees_every_release_once(
    publish_release, settings
):
    # The harvester asks again every hundredth of a second: no rate limit on anonymous calls
    # here (what is tested is the paging; core/tests/test_rate_limits.py tests the limits).
    settings.LEVELFIELD_RATE_LIMITS = {**settings.LEVELFIELD_RATE_LIMITS, "api_anonymous": ""}
    # One release before the race, so the feed counter row exists.
    publish_release("SEED")
    seen, errors, started, writers_done = [], [], threading.Event(), threading.Event()
    harvester = threading.Thread(target=harvest, args=(seen, started, writers_done, errors))
    writers = [threading.Thread(target=write, args=(n, errors)) for n in range(WRITERS)]

    # The first request loads the URLconf and the API; have that done before the race.
    assert Client().get("/api/ocds/releases").status_code == 200
    harvester.start()
    started.wait(timeout=10)
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    seen_while_writing = len(seen)
    writers_done.set()
    harvester.join(timeout=60)

    assert not harvester.is_alive()
    assert not errors, errors
    published = list(Release.objects.order_by("position").values_list("release_id", flat=True))
    assert len(published) == 1 + WRITERS * RELEASES_EACH
    assert len(seen) == len(set(seen)), "the harvester got a release twice"
    assert seen == published
    # The harvester really paged while releases were being written.
    assert seen_while_writing > 1
