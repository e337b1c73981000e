"""Two tabs (or a double click) entering contracts let elsewhere at the same moment: each gets
its own next reference (LE-<year>-<number>), and two entries naming the same reference give one
contract and the rule's message, never a server error from the unique constraint. Needs
PostgreSQL, where the two really run at once:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield \\
        .venv/bin/pytest levelfield/contracts/tests/test_attack_double_submit.py
"""

import threading
from unittest import mock

import pytest
from django.db import connection, connections

from levelfield.accounts.models import Role
from levelfield.contracts import tiering
from levelfield.contracts.actions import records
from levelfield.contracts.models import Contract
from levelfield.core.errors import DomainError
from tests.support import testing

from .records_data import entered

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writes need PostgreSQL: run with "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield",
    ),
]


def at_once(buyer, officer, supplier, references: list[str]) -> list:
    """Enter one contract per reference, each in its own thread and transaction; both threads
    wait for each other just before saving (tiering.apply runs between the checks and the save)
    unless one is held back by a lock, in which case the wait gives up and it goes on."""
    barrier = threading.Barrier(len(references), timeout=2)
    apply = tiering.apply
    results: list = []

    def meet_then_apply(contract, on):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return apply(contract, on)

    def enter(reference):
        try:
            results.append(entered(buyer=buyer, by=officer, supplier=supplier, reference=reference))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results.append(exc)
        finally:
            connections.close_all()

    with mock.patch.object(records.tiering, "apply", meet_then_apply):
        threads = [threading.Thread(target=enter, args=(ref,)) for ref in references]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return results


@pytest.fixture
def people():
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    supplier, _ = testing.supplier_with_user()
    return buyer, officer, supplier


def test_two_entries_at_once_get_the_next_two_references(people):
    results = at_once(*people, ["", ""])
    assert [type(r).__name__ for r in results] == ["Contract", "Contract"]
    year = results[0].reference.split("-")[1]
    assert sorted(c.reference for c in Contract.objects.all()) == [
        f"LE-{year}-0001",
        f"LE-{year}-0002",
    ]


def test_two_entries_naming_the_same_reference_give_one_contract_and_the_rule(people):
    results = at_once(*people, ["GM-1", "GM-1"])
    errors = [r for r in results if not isinstance(r, Contract)]
    assert [type(e) for e in errors] == [DomainError]
    assert errors[0].message == records.REFERENCE_TAKEN
    assert Contract.objects.filter(reference="GM-1").count() == 1
