"""Open data fixtures: synthetic but valid releases, published the way a domain action publishes
them (inside its transaction), and the OCDS schema patched with our extensions."""

from datetime import datetime

import pytest
from django.db import transaction

from levelfield.core import clock
from levelfield.opendata import publisher
from levelfield.opendata.models import Release
from levelfield.opendata.tests import schema

BUYER_ID = "GB-GOR-PB1"
OTHER_BUYER_ID = "GB-GOR-PB2"


def release_data(stage: str, *, buyer_id: str = BUYER_ID, title: str = "Home care") -> tuple:
    """(tags, release body) for one stage of a small contracting process, valid against OCDS
    1.1.5 patched with our extensions. Later stages change values the merge must follow."""
    buyer = {"id": buyer_id, "name": f"Council {buyer_id}"}
    supplier = {"id": "GB-COH-01234567", "name": "Acorn Care Ltd"}
    parties = [{**buyer, "roles": ["buyer"], "address": {"countryName": "United Kingdom"}}]
    tender = {
        "id": "1",
        "title": title,
        "status": "active",
        "value": {"amount": 100000, "currency": "GBP"},
        "lots": [{"id": "1", "title": "Lot 1", "status": "active"}],
        "items": [
            {
                "id": "1",
                "relatedLot": "1",
                "classification": {"scheme": "CPV", "id": "85000000", "description": "Care"},
            }
        ],
        "tenderPeriod": {"endDate": "2030-01-31T12:00:00Z"},
        "documents": [{"id": "UK4", "documentType": "tenderNotice", "noticeType": "UK4"}],
    }
    if stage == "tender":
        return ["tender"], {"buyer": buyer, "parties": parties, "tender": tender}
    if stage == "tenderAmendment":
        amended = {**tender, "title": f"{title} (amended)", "value": {"amount": 120000}}
        amended["value"]["currency"] = "GBP"
        return ["tenderAmendment"], {"buyer": buyer, "parties": parties, "tender": amended}
    if stage == "award":
        return ["award"], {
            "buyer": buyer,
            "parties": [*parties, {**supplier, "roles": ["supplier"], "details": {"scale": "sme"}}],
            "tender": {"id": "1", "status": "complete"},
            "awards": [
                {
                    "id": "1",
                    "status": "active",
                    "relatedLots": ["1"],
                    "suppliers": [supplier],
                    "value": {"amount": 95000, "currency": "GBP"},
                }
            ],
        }
    raise ValueError(stage)


@pytest.fixture
def publish_release(db):
    """publish_release(local_id, stage="tender", *, at=None, buyer_id=..., title=...): one
    release published in its own transaction, with the clock at `at` if given."""

    def publish_one(
        local_id: str,
        stage: str = "tender",
        *,
        at: datetime | None = None,
        buyer_id: str = BUYER_ID,
        title: str = "Home care",
    ) -> Release:
        tags, data = release_data(stage, buyer_id=buyer_id, title=title)
        with clock.frozen_at(at or clock.now()), transaction.atomic():
            return publisher.publish(
                ocid=publisher.ocid_for(local_id), tags=tags, data=data, buyer_id=buyer_id
            )

    return publish_one


@pytest.fixture(scope="session")
def patched_schema() -> dict:
    """The release schema patched with our extensions (kept in tests/data/ocds)."""
    return schema.patched_release_schema()
