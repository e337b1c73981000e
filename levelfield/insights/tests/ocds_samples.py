"""Hand-written compiled releases for the snapshot tests: one as this platform publishes it
(contracts/ocds.py, suppliers/ocds.py, tenders/ocds.py) and one shaped like Contracts Finder's."""

import copy

OURS_OCID = "ocds-lvlfld-T-0001"
IMPORTED_OCID = "ocds-b5fd17-aaaa-0001"


def ours() -> dict:
    """A tender of Derby City Council won by a large firm subcontracting to an SME charity
    (30%) and a large firm (10%), with two payments."""
    return copy.deepcopy(
        {
            "ocid": OURS_OCID,
            "id": f"{OURS_OCID}-compiled",
            "date": "2026-03-01T10:00:00+00:00",
            "parties": [
                {
                    "id": "GB-LVLFLD-1",
                    "name": "Derby City Council",
                    "roles": ["buyer", "procuringEntity"],
                },
                {
                    "id": "GB-LVLFLD-7",
                    "name": "Big Roads plc",
                    "identifier": {"scheme": "GB-LVLFLD", "id": "7"},
                    "additionalIdentifiers": [{"scheme": "GB-COH", "id": "01234567"}],
                    "roles": ["supplier"],
                    "details": {"scale": "large", "vcse": False},
                },
                {
                    "id": "GB-LVLFLD-9",
                    "name": "Stafford Patching CIC",
                    "roles": ["subcontractor"],
                    "details": {"scale": "sme", "vcse": True},
                },
                {
                    "id": "GB-COH-07654321",
                    "name": "Asphalt Giant Ltd",
                    "identifier": {"scheme": "GB-COH", "id": "07654321"},
                    "roles": ["subcontractor"],
                    "details": {"scale": "large", "vcse": False},
                },
            ],
            "buyer": {"id": "GB-LVLFLD-1", "name": "Derby City Council"},
            "tender": {
                "id": "T-0001",
                "title": "Pothole repairs",
                "procurementMethod": "open",
                "mainProcurementCategory": "services",
                "value": {"amount": 500000, "currency": "GBP"},
                "tenderPeriod": {
                    "startDate": "2026-01-05T09:00:00+00:00",
                    "endDate": "2026-02-05T12:00:00+00:00",
                },
                "items": [
                    {
                        "id": "1",
                        "classification": {"scheme": "CPV", "id": "45233141"},
                        "deliveryAddresses": [{"region": "East Midlands"}],
                    }
                ],
            },
            "bids": {
                "statistics": [
                    {"id": "1-bids", "measure": "bids", "value": 4, "relatedLot": "1"},
                    {"id": "1-smeBids", "measure": "smeBids", "value": 3, "relatedLot": "1"},
                ]
            },
            "awards": [
                {
                    "id": "award-1",
                    "status": "active",
                    "date": "2026-03-01T10:00:00+00:00",
                    "value": {"amount": 400000, "currency": "GBP"},
                    "suppliers": [{"id": "GB-LVLFLD-7", "name": "Big Roads plc"}],
                    "hasSubcontracting": True,
                    "subcontracting": {
                        "description": "Stafford Patching CIC (30%): patching; "
                        "Asphalt Giant Ltd (10%): materials",
                        "minimumPercentage": 0.4,
                        "maximumPercentage": 0.4,
                        "value": {"amount": 160000, "currency": "GBP"},
                        "subcontracts": [
                            {
                                "id": "1",
                                "subcontractor": {
                                    "id": "GB-LVLFLD-9",
                                    "name": "Stafford Patching CIC",
                                },
                            },
                            {
                                "id": "2",
                                "subcontractor": {
                                    "id": "GB-COH-07654321",
                                    "name": "Asphalt Giant Ltd",
                                },
                            },
                        ],
                    },
                }
            ],
            "contracts": [
                {
                    "id": "contract-1",
                    "awardID": "award-1",
                    "status": "active",
                    "period": {
                        "startDate": "2026-04-01T00:00:00+01:00",
                        "endDate": "2028-03-31T23:59:59+01:00",
                    },
                    "value": {"amount": 400000, "currency": "GBP"},
                    "implementation": {
                        "transactions": [
                            {
                                "id": "pay-1",
                                "date": "2026-04-30T00:00:00+01:00",
                                "value": {"amount": 50000, "currency": "GBP"},
                                "payee": {"id": "GB-LVLFLD-7", "name": "Big Roads plc"},
                            },
                            {
                                "id": "pay-2",
                                "date": "2026-07-31T00:00:00+01:00",
                                "value": {"amount": 25000, "currency": "GBP"},
                            },
                        ]
                    },
                }
            ],
        }
    )


def imported() -> dict:
    """Contracts Finder-like: a London council's award to two SMEs (one a VCSE), CPV at the
    tender, region by name on the item, bids extension details."""
    return copy.deepcopy(
        {
            "ocid": IMPORTED_OCID,
            "id": f"{IMPORTED_OCID}-compiled",
            "date": "2025-11-20T00:00:00Z",
            "parties": [
                {"id": "GB-CFS-100", "name": "London Borough of Somewhere", "roles": ["buyer"]},
                {
                    "id": "GB-COH-11111111",
                    "name": "Small Care Ltd",
                    "identifier": {"scheme": "GB-COH", "id": "11111111"},
                    "roles": ["supplier", "tenderer"],
                    "details": {"scale": "sme"},
                },
                {
                    "id": "GB-CHC-222",
                    "name": "Helping Hands Trust",
                    "roles": ["supplier", "tenderer"],
                    "details": {"scale": "micro", "vcse": True},
                },
                {"id": "GB-COH-333", "name": "Mega Care plc", "roles": ["tenderer"]},
            ],
            "tender": {
                "id": "CF-1",
                "title": "Home care",
                "classification": {"scheme": "CPV", "id": "85310000"},
                "procurementMethod": "selective",
                "items": [{"id": "1", "deliveryAddresses": [{"region": "London"}]}],
                "tenderPeriod": {"endDate": "2025-10-01T12:00:00Z"},
                "numberOfTenderers": 3,
            },
            "bids": {
                "details": [
                    {
                        "id": "b1",
                        "status": "valid",
                        "date": "2025-09-30T10:00:00Z",
                        "tenderers": [{"id": "GB-COH-11111111", "name": "Small Care Ltd"}],
                        "value": {"amount": 90000},
                    },
                    {
                        "id": "b2",
                        "status": "disqualified",
                        "tenderers": [{"id": "GB-COH-333", "name": "Mega Care plc"}],
                    },
                ]
            },
            "awards": [
                {
                    "id": "1",
                    "status": "active",
                    "date": "2025-11-20",
                    "value": {"amount": 100000, "currency": "GBP"},
                    "suppliers": [
                        {"id": "GB-COH-11111111", "name": "Small Care Ltd"},
                        {"id": "GB-CHC-222", "name": "Helping Hands Trust"},
                    ],
                    "contractPeriod": {"startDate": "2026-01-01", "endDate": "2026-12-31"},
                }
            ],
        }
    )
