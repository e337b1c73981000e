"""Resumable uploads under way keep their bytes as a file per chunk (bids/sealing.py) instead of
one file each (`partial-uploads/<token>.part`), so that chunks reaching different servers meet in
shared storage. Each old file is a header and sealed records, each bound to the offset it starts
at: split into a file per record under the new names, with no key needed, so that an upload
begun before the upgrade goes on after it."""

import struct

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations

HEADER = 4 + 16  # magic and key id (bids/sealing.py, core/sealing.py KEY_ID_BYTES)
OVERHEAD = 12 + 16  # each record's nonce and GCM tag


def split_partial_files(apps, schema_editor):
    BidUpload = apps.get_model("bids", "BidUpload")
    for token in BidUpload.objects.values_list("token", flat=True).iterator():
        old = f"partial-uploads/{token}.part"
        if not default_storage.exists(old):
            continue
        with default_storage.open(old, "rb") as handle:
            content = handle.read()
        header, position, offset = content[:HEADER], HEADER, 0
        while position + 4 <= len(content):
            size = struct.unpack(">I", content[position : position + 4])[0]
            record = content[position : position + 4 + size]
            if len(record) < 4 + size:
                break
            name = f"partial-uploads/{token}/{offset:012d}.part"
            default_storage.delete(name)
            default_storage.save(name, ContentFile(header + record))
            position += 4 + size
            offset += size - OVERHEAD
        default_storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [("bids", "0005_sealed_at_rest")]

    operations = [migrations.RunPython(split_partial_files, migrations.RunPython.noop)]
