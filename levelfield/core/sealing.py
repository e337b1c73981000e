"""Model fields sealed at rest: a model keeps some of its fields' values encrypted in one column
(`SealedField`) while it says they are to be sealed, and blank in their own columns, so a copy
of the database reads nothing of them. A loaded row is opened on the server when one of its
sealed fields is first read (`_SealedAttribute`), so the code that reads the model sees its
values as before, and a row loaded only to be counted, listed or checked is never decrypted;
who may read them is decided, as before, by the scoped querysets.

A model using it lists its sealed fields in SEALED_FIELDS, gives each of them a sealable field
class (`SealableDecimalField`, `SealableTextField`, `SealableCharField`), adds
`sealed = SealedField()` declared after them, and says how to seal a row (`sealer()`: None when
it is not to be sealed) and which key a sealed value names (`sealing_key(key_id)`). The bytes
are core/keys.py's AES-GCM with associated data naming the row and the key, so a sealed value
moved to another bid does not open. Queryset `update()` and `values()` see the stored columns,
blank while sealed; a save with `update_fields` must name `sealed` with the sealed fields.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from django.db import models
from django.db.backends.utils import format_number
from django.db.models.query_utils import DeferredAttribute

from . import keys

if TYPE_CHECKING:
    from django.db.models.options import Options

MAGIC = b"LFS1"
PENDING = "_sealed_pending"  # where a loaded row keeps its sealed bytes until a field is read
KEY_ID_BYTES = 16


@dataclass(frozen=True)
class Sealer:
    """How to seal one row: the data key, its id (named in the sealed bytes) and what the bytes
    belong to (the row and its fields, as associated data)."""

    key_id: bytes
    key: bytes
    associated: bytes

    def seal(self, plaintext: bytes) -> bytes:
        header = MAGIC + self.key_id
        return header + keys.seal(self.key, plaintext, header + self.associated)


def key_id_of(sealed: bytes) -> bytes:
    sealed = bytes(sealed)
    if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + KEY_ID_BYTES:
        raise keys.KeyUnavailable("Not sealed data")
    return sealed[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]


def open_with(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """The plaintext of `sealed` (from `Sealer.seal`), or KeyUnavailable."""
    sealed = bytes(sealed)
    header = sealed[: len(MAGIC) + KEY_ID_BYTES]
    key_id_of(sealed)
    return keys.open_sealed(key, sealed[len(header) :], header + associated)


class _SealedAttribute(DeferredAttribute):
    """A sealed field's value, opened from the row's `sealed` bytes when first read: a row that
    is loaded but whose sealed fields nobody reads (a count, a list of names, an access check)
    is never decrypted."""

    def __get__(self, instance, cls=None):
        if instance is not None and self.field.attname not in instance.__dict__:
            if instance.__dict__.get(PENDING) is not None:
                instance.open_sealed_fields()
        return super().__get__(instance, cls)


class _Sealable:
    """A field whose column is left blank while its row is sealed (the value is in `sealed`)."""

    descriptor_class = _SealedAttribute

    def sealed_text(self, value) -> str:
        """`value` as sealed: as the column would have stored it."""
        return str(value)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value not in (None, "") and model_instance.current_sealer() is not None:
            return None if self.null else ""
        return value


class SealableDecimalField(_Sealable, models.DecimalField):
    def sealed_text(self, value) -> str:
        # To its decimal places, as the column keeps it: 98000 reads back as 98000.00.
        text = format_number(self.to_python(value), self.max_digits, self.decimal_places)
        assert text is not None  # SealedField.pre_save gives a value, never None
        return text


class SealableTextField(_Sealable, models.TextField):
    pass


class SealableCharField(_Sealable, models.CharField):
    pass


class SealedField(models.BinaryField):
    """The sealed values of the model's SEALED_FIELDS, or null while it is not sealed. Declare it
    after those fields: a save computes it from their values on the instance."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        sealer = model_instance.current_sealer()
        model_instance.__dict__.pop("_sealer", None)  # decided afresh at the next save
        if sealer is None:
            return None
        values = {}
        for name in model_instance.SEALED_FIELDS:
            field = model_instance._meta.get_field(name)
            value = getattr(model_instance, field.attname)
            values[name] = None if value is None else field.sealed_text(value)
        if all(v in (None, "") for v in values.values()):
            return None
        return sealer.seal(orjson.dumps(values))


class Sealable:
    """Mixin for a model with sealed fields (see the module's docstring)."""

    SEALED_FIELDS: tuple[str, ...] = ()

    if TYPE_CHECKING:
        _meta: Options[Any]  # mixed into models

    def sealer(self) -> Sealer | None:
        """How to seal this row now, or None when its fields are kept as they are."""
        raise NotImplementedError

    def sealing_associated(self) -> bytes:
        """What the sealed bytes belong to: the row and the field names."""
        raise NotImplementedError

    def sealing_key(self, key_id: bytes) -> bytes:
        """The data key `key_id` names (KeyUnavailable when it does not open)."""
        raise NotImplementedError

    def current_sealer(self) -> Sealer | None:
        # One decision per save, shared by the fields' pre_save (SealedField's, last, clears it).
        if "_sealer" not in self.__dict__:
            self.__dict__["_sealer"] = self.sealer()
        return self.__dict__["_sealer"]

    def _sealed_field(self, name: str) -> models.Field:
        field = self._meta.get_field(name)
        assert isinstance(field, models.Field)  # SEALED_FIELDS names the model's own columns
        return field

    def opened_values(self, sealed: bytes) -> dict:
        """The field values in `sealed`, as Python values."""
        key = self.sealing_key(key_id_of(sealed))
        values = orjson.loads(open_with(key, sealed, self.sealing_associated()))
        return {name: self._sealed_field(name).to_python(value) for name, value in values.items()}

    def open_sealed_fields(self) -> None:
        """Open the sealed fields not yet read (and not set since the row was loaded)."""
        sealed = self.__dict__.pop(PENDING, None)
        if sealed is None:
            return
        for name, value in self.opened_values(sealed).items():
            self.__dict__.setdefault(self._sealed_field(name).attname, value)

    def save(self, *args, **kwargs):
        # Django saves only the loaded fields of a row with fields not loaded: open them first,
        # so that a save writes (and seals again) every sealed field.
        self.open_sealed_fields()
        return super().save(*args, **kwargs)

    def get_deferred_fields(self):
        # Sealed fields waiting to be opened are loaded, not deferred.
        deferred = super().get_deferred_fields()
        if PENDING in self.__dict__:
            deferred -= {self._meta.get_field(name).attname for name in self.SEALED_FIELDS}
        return deferred

    def refresh_from_db(self, *args, **kwargs):
        # The fields are read again from the new row (opened as they are copied from it).
        self.__dict__.pop(PENDING, None)
        return super().refresh_from_db(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        sealed = instance.__dict__.get("sealed")
        if sealed is not None:
            # Opened when one of them is first read (_SealedAttribute), not here.
            for name in cls.SEALED_FIELDS:
                instance.__dict__.pop(cls._meta.get_field(name).attname, None)
            instance.__dict__[PENDING] = bytes(sealed)
        return instance
