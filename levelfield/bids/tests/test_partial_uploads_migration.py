"""An upload under way when the platform is upgraded goes on after it: migration bids 0006 splits
its one partial file (the old layout) into the file per chunk that chunks are now kept in."""

import importlib
import struct

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from levelfield.bids import actions as bid_actions
from levelfield.bids import actions_uploads, sealing
from levelfield.bids.models import BidAttachment
from levelfield.core import keys
from levelfield.core.storage import walk

pytestmark = pytest.mark.django_db

BODY = b"%PDF-1.4\n" + b"method statement " * 200
migration = importlib.import_module("levelfield.bids.migrations.0006_partial_uploads_chunk_files")


def _old_partial_file(upload, parts: list[bytes]) -> None:
    """The bytes received so far as the platform kept them before: one file, a header and a
    sealed record per chunk."""
    sealer = sealing.sealer_for(b"", lots__bids=upload.bid_id)
    header = sealing.PARTIAL_MAGIC + sealer.key_id
    content, offset = header, 0
    for part in parts:
        sealed = keys.seal(
            sealer.key, part, sealing._partial_associated(header, upload.token, offset)
        )
        content += struct.pack(">I", len(sealed)) + sealed
        offset += len(part)
    default_storage.save(f"partial-uploads/{upload.token}.part", ContentFile(content))


def test_an_upload_begun_before_the_upgrade_finishes_after_it(tender, supplier):
    org, user = supplier
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
    upload = actions_uploads.begin_upload(bid=bid, by=user, filename="method.pdf", length=len(BODY))
    _old_partial_file(upload, [BODY[:1000], BODY[1000:2500]])
    upload.offset = 2500
    upload.save(update_fields=["offset"])

    migration.split_partial_files(apps, None)

    assert sorted(walk(default_storage, "partial-uploads")) == [
        f"partial-uploads/{upload.token}/000000000000.part",
        f"partial-uploads/{upload.token}/000000001000.part",
    ]
    actions_uploads.receive_chunk(upload=upload, by=user, offset=2500, data=BODY[2500:])
    assert b"".join(sealing.attachment_chunks(BidAttachment.objects.get())) == BODY
    assert list(walk(default_storage, "partial-uploads")) == []
