"""An action that fails after storing an uploaded file (its row's INSERT, the audit record)
leaves no file behind: storage is not part of the database transaction."""

from datetime import date

import pytest

from levelfield.bids import actions as bid_actions
from levelfield.core import audit
from levelfield.core.uploads import files_removed_on_failure, store
from levelfield.suppliers import actions as supplier_actions
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import TenderDocument
from tests.support import testing


class Refused(Exception):
    pass


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def refuse(**kwargs):
    raise Refused("the audit record could not be written")


def test_a_stored_file_is_kept_when_the_action_succeeds_and_removed_when_it_fails(db, media):
    document = TenderDocument(title="Spec")

    @files_removed_on_failure
    def action(fail: bool):
        store(document.file, testing.pdf())
        assert stored_files(media)
        if fail:
            raise Refused

    action(fail=False)
    assert len(stored_files(media)) == 1
    with pytest.raises(Refused):
        action(fail=True)
    assert len(stored_files(media)) == 1  # the first, kept; the second, removed


def test_files_of_an_action_called_by_another_go_when_the_caller_fails(db, media):
    @files_removed_on_failure
    def inner():
        store(TenderDocument(title="Spec").file, testing.pdf())

    @files_removed_on_failure
    def outer():
        inner()
        assert len(stored_files(media)) == 1
        raise Refused

    with pytest.raises(Refused):
        outer()
    assert stored_files(media) == []


def test_store_outside_such_an_action_is_a_mistake(db, media):
    with pytest.raises(RuntimeError):
        store(TenderDocument().file, testing.pdf())
    assert stored_files(media) == []


def test_a_tender_document(buyer, officer, media, monkeypatch):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(Refused):
        tender_actions.add_document(
            tender=tender, by=officer, title="Spec", doc_type="specification", upload=testing.pdf()
        )
    assert stored_files(media) == []


def test_a_bid_attachment(tender, supplier, media, monkeypatch):
    org, user = supplier
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(Refused):
        bid_actions.add_attachment(bid=bid, by=user, title="Method", upload=testing.pdf())
    assert stored_files(media) == []


def test_a_certificate(supplier, media, monkeypatch):
    org, user = supplier
    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(Refused):
        supplier_actions.add_certificate(
            organisation=org,
            by=user,
            kind="iso_9001",
            issuer="BSI",
            expires_on=date(2099, 1, 1),
            upload=testing.pdf(),
        )
    assert stored_files(media) == []
