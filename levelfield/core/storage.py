"""Where files live (issue 17, beyond one machine): uploads in Django's default storage and the
bulk downloads in the storage named "downloads" (settings.STORAGES), each a local folder by
default or S3-compatible object storage with LEVELFIELD_STORAGE=s3, so that every server behind
a load balancer reads and writes the same files. Code reads and writes files only through these
storages, never through a path on one server's disk."""

from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.utils.functional import cached_property


class LocalDownloadsStorage(FileSystemStorage):
    """The bulk downloads in settings.DOWNLOADS_ROOT (a folder of their own beside the uploads),
    read when first needed so that a test changing the setting moves them."""

    def __init__(self, **options):
        super().__init__(**options)
        setting_changed.connect(self._downloads_root_changed)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.DOWNLOADS_ROOT)

    def _downloads_root_changed(self, *, setting, **kwargs):
        if setting == "DOWNLOADS_ROOT":
            for name in ("base_location", "location"):
                self.__dict__.pop(name, None)


def walk(storage, prefix: str) -> Iterator[str]:
    """The name of every file under `prefix` in `storage`, in its sub-folders too."""
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:  # a local folder not made yet
        return
    for name in files:
        yield f"{prefix}/{name}"
    for folder in folders:
        yield from walk(storage, f"{prefix}/{folder}")


def save_exactly(storage, name: str, content) -> None:
    """Store `content` under exactly `name`, replacing what is there. For a name that only one
    writer at a time can reach (the caller holds a lock on what it belongs to): Django's
    storages otherwise pick another name when one is taken."""
    storage.delete(name)
    saved = storage.save(name, content)
    if saved != name:  # another writer in between: the caller's lock was not held
        storage.delete(saved)
        raise RuntimeError(f"{name} was written by someone else at the same time")
