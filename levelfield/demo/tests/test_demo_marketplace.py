"""The demo's catalogue marketplace: the live framework "Cloud services" with its three lots,
services listed by the demo suppliers from micro to large (two VCSEs among them), and Wessex
County Council's finished call-off: searched, ended, awarded to Tarrant Highways, the contract
signed and published in OCDS, the saving in pounds and in pothole repairs. Loaded once for the
module, as of today."""

from decimal import Decimal

from levelfield.accounts.models import Organisation
from levelfield.contracts.lifecycle import ContractStatus
from levelfield.contracts.models import Origin
from levelfield.contracts.ocds import contract_ocid
from levelfield.demo import marketplace_data as data
from levelfield.marketplace import reports, savings
from levelfield.marketplace.lifecycle import FrameworkStatus, ListingStatus, ProjectStatus
from levelfield.marketplace.models import Framework, Listing, Outcome
from levelfield.marketplace.ocds import framework_ocid
from levelfield.opendata.models import Release


def test_one_live_framework_with_three_lots(demo, db):
    framework = Framework.objects.get(reference=data.FRAMEWORK["reference"])
    assert framework.status == FrameworkStatus.LIVE
    assert [lot.title for lot in framework.lots.all()] == [
        "Cloud hosting",
        "Cloud software",
        "Cloud support",
    ]


def test_the_demo_suppliers_list_services_micro_to_large(demo, db):
    live = Listing.objects.live()
    expected = sum(len(spec["listings"]) for spec in data.APPLICATIONS)
    assert live.count() == expected
    assert not Listing.objects.exclude(status=ListingStatus.LIVE).exists()
    assert set(live.values_list("supplier_size", flat=True)) == {
        "micro",
        "small",
        "medium",
        "large",
    }
    assert live.filter(supplier_is_vcse=True).exists()
    assert all(listing.versions.count() == 1 for listing in live)


def test_the_finished_call_off_has_its_contract_and_release(demo, db):
    outcome = Outcome.objects.get(awarded=True)
    project = outcome.project
    assert project.status == ProjectStatus.AWARDED
    assert project.searches.count() == 2 and project.shortlist.count() == 2
    contract = outcome.contract
    tarrant = Organisation.objects.get(name="Tarrant Highways Ltd")
    assert contract.supplier == tarrant and contract.origin == Origin.CALL_OFF
    assert contract.status in (ContractStatus.SIGNED, ContractStatus.LIVE)
    assert contract.value == data.CALL_OFF["value"]
    # Published in OCDS as its contract's process, naming the framework as a related process.
    releases = Release.objects.filter(ocid=contract_ocid(contract))
    related = [
        (tuple(process["relationship"]), process["identifier"])
        for release in releases
        for process in release.data.get("relatedProcesses", [])
    ]
    assert related and set(related) == {(("framework",), framework_ocid(project.framework))}


def test_the_saving_reads_in_pothole_repairs(demo, db):
    [found] = savings.buyer_savings(Organisation.objects.get(name="Wessex County Council"))
    # £48,000 before, £28,500 now: £19,500 less, at £130 a pothole repair 150 repairs.
    assert found.saving == Decimal("19500.00")
    assert found.in_words == "£19,500 less than before: about 150 pothole repairs"


def test_the_public_report_counts_the_call_off_to_a_small_firm(demo, db):
    report = reports.report()
    assert (report.total.value, report.total.count) == (Decimal("28500.00"), 1)
    sme, vcse = report.shares
    assert sme.share_by_value == Decimal("100.0") and sme.meets_target is True
    assert vcse.share_by_value == Decimal("0.0")
    assert report.suppliers_listed == len(data.APPLICATIONS)
