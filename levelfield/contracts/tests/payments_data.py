"""Builders for the payments tests: a signed contract and invoices recorded through the action,
with the clock at a chosen day."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema.validators import Draft4Validator

from levelfield.contracts.actions import payments as actions
from levelfield.core import clock
from levelfield.opendata.tests import schema


def at(day: date, hour: int = 12):
    """The clock at midday UK time on `day`."""
    return clock.frozen_at(datetime.combine(day, time(hour, 0), tzinfo=clock.UK))


def invoice(signed, reference, received_on, amount="1000.00", *, paid_on=None, today=None, **kw):
    with at(today or max(d for d in (received_on, paid_on) if d)):
        return actions.record_invoice(
            contract=signed.contract,
            by=signed.officer,
            reference=reference,
            received_on=received_on,
            amount=Decimal(amount),
            paid_on=paid_on,
            source="page",
            **kw,
        )


def csv_upload(lines: list[str], name: str = "invoices.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


HEADER = "Contract reference,Invoice reference,Received date,Amount,Status,Dispute reason,Paid date"


@pytest.fixture(scope="session")
def release_errors():
    """Checks a release against OCDS 1.1.5 patched with our extensions (as the open data
    tests do)."""
    validator = Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )

    def errors(release: dict) -> list[str]:
        return [
            f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(release)
        ]

    return errors
