"""Every contract management notice the platform publishes is valid OCDS: one contract taken
through its life with the actions people use (UK7 at signature, UK8 payments, UK9 performance,
UK10 change, UK11 termination, UK17 payments compliance) and a second one completed (UK11); each
release validates against OCDS 1.1.5 patched with our extensions, carries the notice type and
the release tag Find a Tender uses, the compiled record holds the whole story, and the release
package validates (JSON Schema and libcoveocds, offline)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from jsonschema.validators import Draft4Validator

from levelfield.contracts import selectors_payments
from levelfield.contracts.actions import (
    changes,
    ending,
    kpis,
    payments,
    performance,
    records_lifecycle,
)
from levelfield.contracts.models import ContractNotice
from levelfield.contracts.ocds import contract_ocid
from levelfield.core import clock
from levelfield.opendata import merge, package
from levelfield.opendata.models import Record, Release
from levelfield.opendata.tests import schema
from levelfield.opendata.tests.test_validation import cove, offline_libcove  # noqa: F401
from tests.support import testing

pytestmark = pytest.mark.django_db

# Find a Tender's release tag and document type for each notice.
EXPECTED = {
    "UK7": ("contract", "contractNotice"),
    "UK8": ("implementation", "implementationNotice"),
    "UK9": ("implementation", "implementationNotice"),
    "UK10": ("contractAmendment", "contractNotice"),
    "UK11": ("contractTermination", "contractTerminationNotice"),
    # ocds_payments: the buyer's UK17 is an implementation release with its notice under tender.
    "UK17": ("implementation", "implementationNotice"),
}


def at(day, hour=10):
    return clock.frozen_at(datetime.combine(day, time(hour, 0), tzinfo=clock.UK))


def schema_errors(validator, data) -> list[str]:
    return [
        f"{data.get('id', '')}: /{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(data)
    ]


@pytest.fixture(scope="module")
def release_validator():
    return Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )


def notice_documents(release: dict) -> list[dict]:
    documents = list(release.get("tender", {}).get("documents", []))
    for section in release.get("contracts", []):
        documents += section.get("documents", [])
    return [d for d in documents if "noticeType" in d]


@pytest.fixture
def lives():
    """One contract through its life, and a second completed. Returns (first, second)."""
    first = testing.signed_contract(value="100000", years=2)
    contract, officer, admin = first.contract, first.officer, first.buyer_admin
    start = contract.start_date
    kpi = kpis.add_kpi(
        contract=contract,
        by=officer,
        name="Visits on time",
        target="95",
        unit="%",
        frequency="monthly",
        material=True,
    )
    with at(start):
        records_lifecycle.go_live(contract=contract, by=officer)
    contract.refresh_from_db()

    # Invoices over and under £30,000, one paid on time, one late, one in a later quarter.
    with at(start + timedelta(days=3)):
        big = payments.record_invoice(
            contract=contract,
            by=officer,
            reference="INV-1",
            received_on=start + timedelta(days=3),
            amount=Decimal("45000.00"),
            source="page",
        )
    with at(start + timedelta(days=5)):
        small = payments.record_invoice(
            contract=contract,
            by=officer,
            reference="INV-2",
            received_on=start + timedelta(days=5),
            amount=Decimal("12000.00"),
            source="page",
        )
    with at(start + timedelta(days=20)):
        payments.mark_paid(invoice=big, by=officer, paid_on=start + timedelta(days=20))
    with at(start + timedelta(days=40)):
        payments.mark_paid(invoice=small, by=officer, paid_on=start + timedelta(days=40))
        kpis.report_kpi(kpi=kpi, by=first.supplier_user, period=1, value="93.5")
    with at(start + timedelta(days=100)):
        later = payments.record_invoice(
            contract=contract,
            by=officer,
            reference="INV-3",
            received_on=start + timedelta(days=100),
            amount=Decimal("31000.50"),
            source="page",
        )
    with at(start + timedelta(days=110)):
        payments.mark_paid(invoice=later, by=officer, paid_on=start + timedelta(days=110))
    # The daily job after the quarters and a six-month period have ended.
    with at(start + timedelta(days=200)):
        assert payments.publish_due_notices(today=start + timedelta(days=200)) > 0
    with at(start + timedelta(days=210)):
        performance.record_failure(
            contract=contract,
            by=officer,
            kind="damages",
            description="Missed visits in the second month",
            occurred_on=start + timedelta(days=45),
            penalty="Service credits",
            amount="1500",
        )
        performance.record_assessment(
            contract=contract,
            by=officer,
            period_start=start,
            period_end=start + timedelta(days=180),
            rating="approaching_target",
            narrative="Visits mostly on time; two missed in the second month.",
        )
    # One change under the s.75 limit (5%), one that takes the changes over it (25% in all).
    with at(start + timedelta(days=220)):
        changes.record_change(
            contract=contract,
            by=officer,
            kind="modification",
            description="Two more clients in the north of the county",
            value_after=Decimal("105000"),
            end_date_after=contract.end_date,
        )
        changes.record_change(
            contract=contract,
            by=officer,
            kind="modification",
            description="Night visits added across the county",
            value_after=Decimal("125000"),
            end_date_after=contract.end_date,
        )
    with at(start + timedelta(days=300)):
        ending.terminate(
            contract=contract,
            by=admin,
            reason="Repeated missed visits after two warnings",
            classification="breach",
            terminated_on=start + timedelta(days=300),
            assessment=ending.AssessmentAtTermination(
                "requires_improvement", "Visits were often late after the change."
            ),
        )
    # The daily job again once the reporting period holding the later payments has ended.
    with at(start + timedelta(days=400)):
        payments.publish_due_notices(today=start + timedelta(days=400))

    second = testing.signed_contract(value="80000", years=1)
    with at(second.contract.start_date):
        records_lifecycle.go_live(contract=second.contract, by=second.officer)
    finished = second.contract.start_date + timedelta(days=200)
    with at(finished + timedelta(days=1)):
        ending.complete(
            contract=second.contract,
            by=second.officer,
            final_value=Decimal("79500.00"),
            final_end_date=finished,
            # s.71: the assessment at the end, published as UK9 with the completion.
            assessment=ending.AssessmentAtTermination("good", "Delivered as agreed."),
        )
    first.contract.refresh_from_db()
    second.contract.refresh_from_db()
    return first, second


def test_every_contract_notice_is_valid_and_tagged_as_find_a_tender_does(lives, release_validator):
    first, second = lives
    notices = list(ContractNotice.objects.order_by("id"))
    types = [n.notice_type for n in notices]
    # Each kind of notice was produced (UK7 is kept with the award's releases, below).
    for kind in ("UK8", "UK9", "UK10", "UK11", "UK17"):
        assert kind in types, f"no {kind} notice was published: {types}"
    # Three assessments (at six months, at termination, and at completion: s.71 at every
    # ending), one change notice (the second change only), two endings (a termination and a
    # completion).
    assert types.count("UK9") == 3
    assert types.count("UK10") == 1
    assert types.count("UK11") == 2
    uk8_expected = {
        selectors_payments.quarter_of(first.contract.start_date + timedelta(days=d)).key
        for d in (20, 110)
    }
    assert {n.key for n in notices if n.notice_type == "UK8"} == uk8_expected

    releases = {r.release_id: r for r in Release.objects.all()}
    for notice in notices:
        release = releases[notice.release_id].data
        assert release == notice.data
        assert schema_errors(release_validator, release) == [], notice.notice_type
        tag, document_type = EXPECTED[notice.notice_type]
        assert release["tag"] == [tag], notice.notice_type
        [document] = notice_documents(release)
        assert document["noticeType"] == notice.notice_type
        assert document["documentType"] == document_type

    # UK7, published at signature with the award's releases, is valid and tagged too.
    for signed in (first, second):
        uk7 = [
            r.data
            for r in Release.objects.filter(ocid=contract_ocid(signed.contract))
            if r.tags == ["contract"]
        ]
        assert len(uk7) == 1
        assert schema_errors(release_validator, uk7[0]) == []
        assert [d["noticeType"] for d in notice_documents(uk7[0])] == ["UK7"]

    # Every release published at all is valid.
    for release in releases.values():
        assert schema_errors(release_validator, release.data) == []


def test_the_compiled_record_holds_the_contracts_whole_story(lives):
    first, second = lives
    contract = first.contract
    record = Record.objects.get(ocid=contract_ocid(contract)).compiled
    releases = [r.data for r in Release.objects.filter(ocid=contract_ocid(contract))]
    assert merge.compile_releases(releases) == record
    [section] = record["contracts"]
    assert section["status"] == "terminated"
    # The change over the limit: 25% on £100,000 once both changes are counted.
    [amendment] = section["amendments"]
    assert amendment["value"]["amount"] == 125000
    assert amendment["rationale"] == "Night visits added across the county"
    # The two payments over £30,000, and not the one under it.
    transactions = section["implementation"]["transactions"]
    assert sorted(t["value"]["amount"] for t in transactions) == [31000.5, 45000]
    # The KPI, its report and both assessments.
    metrics = {m["id"]: m for m in section["implementation"]["metrics"]}
    assert metrics["kpi-1"]["observations"][0]["measure"] == 93.5
    ratings = {o["measure"]: o["notes"] for o in metrics["performance-assessment"]["observations"]}
    assert ratings == {
        "Approaching target": "Visits mostly on time; two missed in the second month.",
        "Requires improvement": "Assessed at termination. Visits were often late after the change.",
    }
    assert section["agreedMetrics"][0]["title"] == "Visits on time"
    [failure] = section["implementation"]["performanceFailures"]
    assert failure["category"] == "Breach leading to damages"
    # The termination, its reason and the day delivery ended.
    assert section["terminationRationaleClassifications"][0]["id"] == "breach"
    assert section["implementation"]["endDate"].startswith(
        (contract.start_date + timedelta(days=300)).isoformat()
    )

    completed = Record.objects.get(ocid=contract_ocid(second.contract)).compiled
    [done] = completed["contracts"]
    assert done["status"] == "terminated"
    assert done["implementation"]["finalValue"]["amount"] == 79500
    assert done["terminationRationaleClassifications"][0]["id"] == "completed"


def test_the_release_package_validates(lives, offline_libcove, tmp_path):  # noqa: F811
    releases = [r.data for r in Release.objects.order_by("position")]
    data = package.release_package(releases, uri="https://example.org/api/ocds/releases")
    validator = Draft4Validator(
        schema.patched_package_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )
    assert schema_errors(validator, data) == []

    report = cove(data, offline_libcove, tmp_path)
    assert report["extensions"]["invalid_extensions"] == []
    assert report["extensions"]["is_extended_schema"] is True
    assert report["validation_errors"] == []
    assert report["additional_closed_codelist_values"] == {}
    assert report["additional_fields"] == []
    assert report["count"] == len(releases)
