"""The demo shows a clarification of a bid on the highway drainage tender, answered and read."""

from io import StringIO

import pytest
from django.core.management import call_command

from levelfield.correspondence.models import Side, Thread

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_clarification_answered_and_read():
    call_command("demo", stdout=StringIO())
    thread = Thread.objects.select_related("tender", "supplier").get()
    assert thread.tender.title.startswith("Highway drainage")
    assert thread.supplier.name.startswith("Tarrant")
    sides = [(m.side, m.receipts.count()) for m in thread.messages.all()]
    assert sides == [(Side.BUYER, 2), (Side.BIDDER, 2)]
