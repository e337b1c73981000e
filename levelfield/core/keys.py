"""Keys for data sealed at rest (bids before their deadline: bids/sealing.py).

Envelope encryption: each tender's bids are sealed with a data key of their own, and the data
key is kept only wrapped (encrypted) by a key-encryption key held outside the database. A copy
of the database or of the stored files therefore reads nothing sealed without the key service.

The key service is a small interface, `wrap(data_key) -> bytes` and `unwrap(wrapped) -> bytes`,
chosen by the setting LEVELFIELD_KEY_SERVICE (a dotted path to a class taking no arguments). The
default, `LocalKeyService`, wraps with AES-256-GCM under LEVELFIELD_KEK (32 bytes, base64, from
the environment); a class calling a cloud KMS or an HSM can take its place.

`seal` and `open_sealed` are the authenticated encryption every sealed value and file uses:
AES-256-GCM, a fresh 96-bit nonce each time, and associated data naming what the bytes belong
to, so ciphertext moved to another row or field does not open.
"""

import base64
import binascii
import os
from functools import cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

NONCE_BYTES = 12
KEY_BYTES = 32


class KeyUnavailable(Exception):
    """A wrapped key or sealed value would not open: the wrong key-encryption key, or bytes
    altered or moved. Nothing is revealed."""


class KeyService(Protocol):
    def wrap(self, data_key: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes) -> bytes: ...


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce + AES-GCM ciphertext (with its tag) of `plaintext`, bound to `associated`."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """The plaintext `seal` sealed, or KeyUnavailable when the key or associated data differ or
    the bytes were altered."""
    sealed = bytes(sealed)
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)
    except (InvalidTag, ValueError) as exc:
        raise KeyUnavailable("The sealed data does not open with this key") from exc


class LocalKeyService:
    """Wraps data keys under the key-encryption key in the setting LEVELFIELD_KEK (base64 of 32
    random bytes, from the environment; the production settings refuse to start without it).
    Keep the key-encryption key out of database backups. Keys wrapped by an earlier one, listed
    in LEVELFIELD_KEK_PREVIOUS while a rotation is under way (`levelfield rotate-kek`), still
    unwrap; wrapping always uses the current one."""

    ASSOCIATED = b"levelfield:data-key:v1"

    def __init__(self, kek: str | None = None, previous: list[str] | None = None):
        self.kek = _kek(settings.LEVELFIELD_KEK if kek is None else kek, "LEVELFIELD_KEK")
        if previous is None:
            previous = getattr(settings, "LEVELFIELD_KEK_PREVIOUS", [])
        self.previous = [_kek(old, "LEVELFIELD_KEK_PREVIOUS") for old in previous]

    def wrap(self, data_key: bytes) -> bytes:
        return seal(self.kek, data_key, self.ASSOCIATED)

    def unwrap(self, wrapped: bytes) -> bytes:
        for kek in (self.kek, *self.previous):
            try:
                return open_sealed(kek, wrapped, self.ASSOCIATED)
            except KeyUnavailable:
                continue
        raise KeyUnavailable("The data key does not unwrap with the key-encryption key")


def _kek(encoded: str, name: str) -> bytes:
    if not encoded:
        raise ImproperlyConfigured(
            f"{name} is not set: sealed bids cannot be read or written without the "
            "key-encryption key (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)"
        )
    try:
        kek = base64.b64decode(encoded, validate=True)
    except (binascii.Error, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} must be base64 of 32 bytes") from exc
    if len(kek) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must be base64 of 32 bytes")
    return kek


@cache
def _service(path: str, kek: str, previous: tuple[str, ...]) -> KeyService:
    return import_string(path)()


def key_service() -> KeyService:
    """The configured key service (one per setting, so a test overriding the settings gets a
    service of its own)."""
    return _service(
        settings.LEVELFIELD_KEY_SERVICE,
        str(getattr(settings, "LEVELFIELD_KEK", "")),
        tuple(getattr(settings, "LEVELFIELD_KEK_PREVIOUS", ())),
    )


def wrap(data_key: bytes) -> bytes:
    return key_service().wrap(data_key)


def unwrap(wrapped: bytes) -> bytes:
    return key_service().unwrap(bytes(wrapped))
