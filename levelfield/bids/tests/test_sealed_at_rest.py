"""Bids sealed at rest (issue 17): before the deadline a copy of the database or of the stored
files holds nothing readable of a bid's price, answers or attachments; the supplier still reads
its own bid through the platform; opening the bids for evaluation (after the deadline, audited)
decrypts them for evaluation; a wrong key-encryption key opens nothing; the receipt hash still
proves what was sent."""

import base64
import hashlib
import io
import os
import subprocess
from decimal import Decimal

import orjson
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids import actions_uploads, sealing
from levelfield.bids.models import Bid, BidAnswer, BidAttachment, BidUpload, TenderKey
from levelfield.core import keys
from levelfield.core.audit import AuditEvent
from levelfield.core.errors import DomainError
from levelfield.core.storage import walk
from levelfield.socialvalue import actions as socialvalue_actions
from levelfield.socialvalue.models import Commitment
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import BidSubcontractor, Size
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.lifecycle import Status as TenderStatus
from tests.support import testing

PRICE = Decimal("987654.32")
ANSWER = "Our QUOKKA-LANTERN method statement for home care"
FILE_BODY = b"%PDF-1.4 AUBERGINE-TELESCOPE pricing schedule " + b"x" * 1_500_000
FILE_MARK = b"AUBERGINE-TELESCOPE"
COMMITMENT = "PANGOLIN-ORCHARD apprenticeships for care leavers"
SUBCONTRACTOR = "Kestrel-Marmalade Nursing Ltd"
MARKERS = (
    b"987654.32",
    b"987654",
    ANSWER.encode(),
    b"QUOKKA-LANTERN",
    FILE_MARK,
    b"PANGOLIN-ORCHARD",
    b"Kestrel-Marmalade",
)


@pytest.fixture(autouse=True)
def _no_cached_keys():
    sealing.forget_keys()
    yield
    sealing.forget_keys()


def _bid_sent(buyer, officer):
    """A supplier's bid, submitted before the deadline, with a distinctive price, answer and
    file."""
    tender = testing.published_tender(buyer=buyer, by=officer)
    organisation, user = testing.supplier_with_user("Wombat Care Ltd")
    lot = tender.lots.first()
    bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
    answers = {q.pk: ANSWER for q in lot.questions.all()}
    bid_actions.save_bid(bid=bid, by=user, price=PRICE, answers=answers)
    bid_actions.add_attachment(
        bid=bid, by=user, title="Pricing", upload=testing.pdf("pricing.pdf", FILE_BODY)
    )
    socialvalue_actions.add_commitment(
        bid=bid,
        by=user,
        question=lot.questions.get(kind="social_value"),
        description=COMMITMENT,
        quantity=Decimal("6"),
        unit="apprenticeships",
        contract_year=1,
        location="Shaston",
        beneficiaries="care leavers",
    )
    supplier_actions.add_subcontractor(
        bid=bid,
        by=user,
        name=SUBCONTRACTOR,
        size=Size.SMALL,
        share_percent=Decimal("20"),
        description="Night visits",
    )
    # A large file on its way in resumable chunks, half received.
    upload = actions_uploads.begin_upload(
        bid=bid, by=user, filename="plan.pdf", length=len(FILE_BODY), title="Plan"
    )
    actions_uploads.receive_chunk(upload=upload, by=user, offset=0, data=FILE_BODY[:600_000])
    receipt = bid_actions.submit_bid(bid=bid, by=user)
    return tender, Bid.objects.get(pk=bid.pk), user, receipt


def _database_dump() -> bytes:
    """The whole database as an operator would copy it: pg_dump on PostgreSQL, the SQL dump of
    every table on SQLite."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
        command = ["pg_dump", "--no-owner", "-h", str(params.get("host") or "127.0.0.1")]
        command += ["-p", str(params.get("port") or 5432), "-U", str(params.get("user"))]
        result = subprocess.run(
            [*command, params["dbname"]], env=env, capture_output=True, timeout=120, check=True
        )
        return result.stdout
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump()).encode()


def _stored_files() -> bytes:
    """Every file in the storage uploads go to (a folder, or a bucket: test_storage_s3.py)."""
    names = sorted(
        name for folder in default_storage.listdir("")[0] for name in walk(default_storage, folder)
    )
    return b"".join(_read(name) for name in names)


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _partial_bytes(upload: BidUpload) -> int:
    return sum(default_storage.size(name) for name in walk(default_storage, upload.partial_prefix))


def _readable(marker: bytes, data: bytes) -> bool:
    """`marker` as text, or as the hexadecimal a dump writes binary columns in."""
    return marker in data or marker.hex().encode() in data.lower()


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_and_the_stored_files_hold_nothing_readable_of_a_bid(buyer, officer):
    tender, bid, user, _ = _bid_sent(buyer, officer)

    dump, files = _database_dump(), _stored_files()

    assert b"Wombat Care Ltd" in dump  # the dump is the whole database, bids included
    assert bid.attachments.get().size == len(FILE_BODY)  # the file is stored,
    assert _partial_bytes(BidUpload.objects.get()) > 600_000  # and half the other
    for marker in MARKERS:
        assert not _readable(marker, dump), marker
        assert not _readable(marker, files), marker
    # The plain columns are empty; the key is only stored wrapped.
    assert Bid.objects.filter(pk=bid.pk).values_list("price", flat=True).get() is None
    assert set(BidAnswer.objects.filter(bid=bid).values_list("text", flat=True)) == {""}
    assert list(Commitment.objects.values_list("description", "location")) == [("", "")]
    assert list(BidSubcontractor.objects.values_list("name", "description")) == [("", "")]
    tender_key = TenderKey.objects.get(tender=tender)
    assert sealing.data_key(bytes.fromhex(tender_key.key_id)) not in dump

    # Opened for evaluation after the deadline: the plain columns hold the bid again.
    # The upload finishes; the bids are opened for evaluation after the deadline: the plain
    # columns hold the bid again, and both files read as sent.
    actions_uploads.receive_chunk(
        upload=BidUpload.objects.get(), by=user, offset=600_000, data=FILE_BODY[600_000:]
    )
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
    assert Bid.objects.filter(pk=bid.pk).values_list("price", flat=True).get() == PRICE
    files = [b"".join(sealing.attachment_chunks(a)) for a in bid.attachments.all()]
    assert files == [FILE_BODY, FILE_BODY]


@pytest.mark.django_db
def test_the_supplier_reads_its_own_sealed_bid_and_file(buyer, officer, client):
    tender, bid, user, _ = _bid_sent(buyer, officer)
    assert bid.price == PRICE
    assert {a.text for a in bid.answers.all()} == {ANSWER}
    assert bid.social_value_commitments.get().description == COMMITMENT
    assert bid.subcontractors.get().name == SUBCONTRACTOR

    client.force_login(user)
    page = client.get(reverse("bids:edit", args=[bid.lot_id])).content.decode()
    assert "987,654.32" in page or "987654.32" in page
    assert "QUOKKA-LANTERN" in page
    attachment = bid.attachments.get()
    assert attachment.sealed
    download = client.get(reverse("bids:attachment", args=[bid.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == FILE_BODY
    assert attachment.file.read() != FILE_BODY


@pytest.mark.django_db
def test_opening_after_the_deadline_decrypts_the_bids_for_evaluation_and_is_audited(buyer, officer):
    tender, bid, _, _ = _bid_sent(buyer, officer)
    with pytest.raises(DomainError, match="sealed until the submission deadline"):
        tender_actions.open_evaluation(tender=tender, by=officer)
    assert TenderKey.objects.get(tender=tender).opened_at is None

    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)

    row = Bid.objects.filter(pk=bid.pk).values("price", "sealed").get()
    assert row == {"price": PRICE, "sealed": None}
    assert set(BidAnswer.objects.filter(bid=bid).values_list("text", "sealed")) == {(ANSWER, None)}
    assert set(Commitment.objects.values_list("description", "sealed")) == {(COMMITMENT, None)}
    assert set(BidSubcontractor.objects.values_list("name", "sealed")) == {(SUBCONTRACTOR, None)}
    event = AuditEvent.objects.get(action="tender.bids_unsealed")
    assert event.actor == officer
    assert event.data == {
        "key_id": TenderKey.objects.get(tender=tender).key_id,
        "bids": 1,
        "answers": 2,
        "commitments": 1,
        "subcontractors": 1,
    }
    assert TenderKey.objects.get(tender=tender).opened_at is not None
    attachment = bid.attachments.get()
    assert b"".join(sealing.attachment_chunks(attachment)) == FILE_BODY


@pytest.mark.django_db
def test_a_wrong_key_encryption_key_opens_nothing(buyer, officer, settings):
    tender, bid, _, _ = _bid_sent(buyer, officer)
    settings.LEVELFIELD_KEK = base64.b64encode(b"k" * 32).decode()
    sealing.forget_keys()

    with testing.after_deadline(tender), pytest.raises(DomainError) as refused:
        tender_actions.open_evaluation(tender=tender, by=officer)
    assert refused.value.code == "key_unavailable"
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    assert Bid.objects.filter(pk=bid.pk).values_list("price", flat=True).get() is None
    assert not AuditEvent.objects.filter(action="tender.bids_unsealed").exists()
    loaded = Bid.objects.get(pk=bid.pk)  # loaded, not opened: nothing sealed is read yet
    with pytest.raises(keys.KeyUnavailable):
        loaded.price  # noqa: B018 (opened when read)


@pytest.mark.django_db
def test_a_sealed_value_moved_to_another_bid_does_not_open(buyer, officer):
    tender, bid, _, _ = _bid_sent(buyer, officer)
    organisation, user = testing.supplier_with_user("Numbat Care Ltd")
    other = bid_actions.start_bid(lot=bid.lot, supplier=organisation, by=user)
    bid_actions.save_bid(bid=other, by=user, price=Decimal("5"))
    sealed = Bid.objects.filter(pk=bid.pk).values_list("sealed", flat=True).get()
    Bid.objects.filter(pk=other.pk).update(sealed=sealed)

    with pytest.raises(keys.KeyUnavailable):
        Bid.objects.get(pk=other.pk).price  # noqa: B018 (opened when read)


@pytest.mark.django_db
def test_the_receipt_hash_still_proves_what_the_supplier_sent(buyer, officer):
    tender, bid, _, receipt = _bid_sent(buyer, officer)

    def digest() -> str:
        content = bid_actions.bid_content(Bid.objects.get(pk=bid.pk))
        content["submitted_at"] = receipt.at.isoformat()
        return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()

    sent = {
        "price": "987654.32",
        "answers": [{"question": 1, "text": ANSWER}, {"question": 2, "text": ANSWER}],
        "attachments": [
            {
                "title": "Pricing",
                "sha256": hashlib.sha256(FILE_BODY).hexdigest(),
                "size": len(FILE_BODY),
            }
        ],
    }
    content = bid_actions.bid_content(bid)
    assert {name: content[name] for name in sent} == sent
    assert digest() == receipt.sha256 == bid.receipt_hash
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
    assert digest() == receipt.sha256


def test_the_key_service_wraps_and_refuses_another_key(settings):
    data_key = keys.new_data_key()
    service = keys.LocalKeyService(base64.b64encode(b"a" * 32).decode())
    wrapped = service.wrap(data_key)
    assert data_key not in wrapped and service.unwrap(wrapped) == data_key
    with pytest.raises(keys.KeyUnavailable):
        keys.LocalKeyService(base64.b64encode(b"b" * 32).decode()).unwrap(wrapped)
    settings.LEVELFIELD_KEK = ""
    with pytest.raises(keys.ImproperlyConfigured, match="LEVELFIELD_KEK is not set"):
        keys.LocalKeyService()


@pytest.mark.django_db
def test_seal_bids_seals_what_was_stored_in_the_clear_before_sealing(buyer, officer):
    tender, bid, _, _ = _bid_sent(buyer, officer)
    # As a bid saved before sealing existed: its columns and file in the clear.
    Bid.objects.filter(pk=bid.pk).update(price=PRICE, sealed=None)
    BidAnswer.objects.filter(bid=bid).update(text=ANSWER, sealed=None)
    attachment = bid.attachments.get()
    with attachment.file.open("wb") as handle:
        handle.write(FILE_BODY)
    BidAttachment.objects.filter(pk=attachment.pk).update(sealed=False)

    out = io.StringIO()
    call_command("seal-bids", stdout=out)

    assert (
        out.getvalue().strip()
        == "Sealed 1 bids, 2 answers, 0 commitments, 0 subcontractors, 1 attachments"
    )
    assert Bid.objects.filter(pk=bid.pk).values_list("price", flat=True).get() is None
    assert set(BidAnswer.objects.filter(bid=bid).values_list("text", flat=True)) == {""}
    assert Bid.objects.get(pk=bid.pk).price == PRICE
    attachment = BidAttachment.objects.get(pk=attachment.pk)
    assert attachment.sealed and FILE_MARK not in _stored_files()
    assert b"".join(sealing.attachment_chunks(attachment)) == FILE_BODY
