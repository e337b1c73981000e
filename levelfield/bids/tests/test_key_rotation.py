"""Rotating the key-encryption key (issue 17): with the new key as LEVELFIELD_KEK and the old one
in LEVELFIELD_KEK_PREVIOUS, `levelfield rotate-kek` wraps every tender's data key again, after
which the old key can go: the bids still open, and the old key alone opens nothing. A key that
unwraps with neither stops the run with nothing of its batch changed."""

import base64

import pytest
from django.core.management import CommandError, call_command

from levelfield.bids import sealing
from levelfield.bids.models import Bid, TenderKey
from levelfield.bids.tests.test_sealed_at_rest import PRICE, _bid_sent
from levelfield.core import keys
from levelfield.core.audit import AuditEvent
from levelfield.tenders import actions as tender_actions
from tests.support import testing

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()


@pytest.fixture(autouse=True)
def _old_key(settings):
    settings.LEVELFIELD_KEK = OLD
    settings.LEVELFIELD_KEK_PREVIOUS = []
    sealing.forget_keys()
    yield
    sealing.forget_keys()


def _use(settings, kek, previous=()):
    settings.LEVELFIELD_KEK = kek
    settings.LEVELFIELD_KEK_PREVIOUS = list(previous)
    sealing.forget_keys()


@pytest.mark.django_db
def test_rotate_kek_wraps_every_data_key_under_the_new_key(buyer, officer, settings):
    tender, bid, _, _ = _bid_sent(buyer, officer)
    before = bytes(TenderKey.objects.get(tender=tender).wrapped)

    _use(settings, NEW, previous=[OLD])
    assert Bid.objects.get(pk=bid.pk).price == PRICE  # the old key still opens during rotation
    call_command("rotate-kek")
    after = bytes(TenderKey.objects.get(tender=tender).wrapped)
    assert after != before

    _use(settings, OLD)
    with pytest.raises(keys.KeyUnavailable):
        Bid.objects.get(pk=bid.pk).price  # noqa: B018 (opened when read)

    _use(settings, NEW)  # the old key dropped
    assert Bid.objects.get(pk=bid.pk).price == PRICE
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
    assert Bid.objects.filter(pk=bid.pk).values_list("price", flat=True).get() == PRICE
    event = AuditEvent.objects.get(action="tender.key_rewrapped")
    assert event.object_id == str(tender.pk)
    assert event.data == {"key_id": TenderKey.objects.get(tender=tender).key_id}


@pytest.mark.django_db
def test_a_key_neither_key_unwraps_stops_the_rotation_changing_nothing(buyer, officer, settings):
    tender, _, _, _ = _bid_sent(buyer, officer)
    before = bytes(TenderKey.objects.get(tender=tender).wrapped)

    _use(settings, NEW)  # the old key forgotten: the data key cannot be unwrapped
    with pytest.raises(CommandError, match=f"tender {tender.pk} does not unwrap"):
        call_command("rotate-kek")
    assert bytes(TenderKey.objects.get(tender=tender).wrapped) == before
    assert not AuditEvent.objects.filter(action="tender.key_rewrapped").exists()


def test_the_local_key_service_unwraps_with_a_previous_key_and_wraps_with_the_current():
    old = keys.LocalKeyService(kek=OLD, previous=[])
    wrapped = old.wrap(b"d" * 32)
    rotating = keys.LocalKeyService(kek=NEW, previous=[OLD])
    assert rotating.unwrap(wrapped) == b"d" * 32
    rewrapped = rotating.wrap(b"d" * 32)
    assert keys.LocalKeyService(kek=NEW, previous=[]).unwrap(rewrapped) == b"d" * 32
    with pytest.raises(keys.KeyUnavailable):
        old.unwrap(rewrapped)
