"""Spend suppliers matched to the organisations published data names: by Companies House
number, then by name normalised; a person's resolution kept and applied on later imports; the
snapshot's payment rows."""

from datetime import date, timedelta

import pytest

from levelfield.core import clock
from levelfield.insights import actions_spend, matching, spend_rows
from levelfield.insights.models import KnownOrganisation, SpendLine, SupplierResolution
from levelfield.insights.spend_import import SpendImporter
from levelfield.opendata.models import ExternalCompiledRelease, Record
from tests.support.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Services Ltd", "ACME SERVICES LIMITED"),
        ("The Acme & Sons plc", "acme and sons"),
        ("Acme Services Ltd.", "Acme Services, Ltd"),
        ("St John's Care", "ST JOHNS CARE LTD"),
        ("Café Roads", "CAFE ROADS LTD"),
    ],
)
def test_names_that_are_one_name(a, b):
    assert matching.name_key(a) == matching.name_key(b)


@pytest.mark.parametrize(
    ("a", "b"), [("Acme Services Ltd", "Acme Supplies Ltd"), ("Beta Care", "Beta Carers")]
)
def test_names_that_are_two(a, b):
    assert matching.name_key(a) != matching.name_key(b)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),
        (1234567.0, "01234567"),
        ("sc 123456", "SC123456"),
        ("SC12345", "SC012345"),
        ("OC301234", "OC301234"),
        ("", ""),
        ("n/a", ""),
        ("123456789", ""),
        ("0", ""),
    ],
)
def test_companies_house_numbers(value, number):
    assert matching.ch_number(value) == number


def party(name, *, ch=None, scale=None, vcse=None, party_id=None, scheme_id=None):
    found = {"id": party_id or f"p-{name}", "name": name, "roles": ["supplier"]}
    if scheme_id:
        found["identifier"] = {"scheme": "GB-LFP", "id": scheme_id, "legalName": name}
    if ch:
        found["additionalIdentifiers"] = [{"scheme": "GB-COH", "id": ch}]
    details = {}
    if scale:
        details["scale"] = scale
    if vcse is not None:
        details["vcse"] = vcse
    if details:
        found["details"] = details
    return found


def publish(*parties, ocid="ocds-lvlfld-1", at=None):
    """One of our compiled records naming these parties."""
    Record.objects.update_or_create(
        ocid=ocid,
        defaults={
            "buyer_id": "GB-GOR-1",
            "compiled": {"ocid": ocid, "parties": list(parties)},
            "updated": at or clock.now(),
        },
    )


def imported(*parties, ocid="ocds-b5fd17-1"):
    """A compiled release `import-ocds` stored, naming these parties."""
    ExternalCompiledRelease.objects.create(
        ocid=ocid,
        compiled={"ocid": ocid, "parties": list(parties)},
        release_count=1,
        updated=clock.now(),
    )


def spend_file(tmp_path, rows, name="spend.csv"):
    text = "Date,Supplier,Company Number,Amount\n" + "".join(
        f"01/02/2026,{supplier},{ch},{amount}\n" for supplier, ch, amount in rows
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_index_reads_our_records_and_imported_releases():
    publish(party("Acme Care Ltd", ch="1234567", scale="sme", vcse=False, scheme_id="12"))
    imported(
        {
            "id": "GB-COH-07654321",
            "name": "Wessex Community Trust",
            "identifier": {"scheme": "GB-COH", "id": "07654321"},
            "details": {"scale": "large", "vcse": True},
        },
        party("Nameless Partners"),
        {"id": "x", "roles": ["buyer"]},  # no name: not an organisation to match
    )
    assert matching.refresh_index() == 3
    orgs = {o.identifier: o for o in KnownOrganisation.objects.all()}
    assert set(orgs) == {"GB-COH-01234567", "GB-COH-07654321", "name:nameless partners"}
    acme = orgs["GB-COH-01234567"]
    assert (acme.name, acme.ch, acme.sme, acme.vcse) == ("Acme Care Ltd", "01234567", True, False)
    wessex = orgs["GB-COH-07654321"]
    assert (wessex.sme, wessex.vcse) == (False, True)
    assert orgs["name:nameless partners"].sme is None
    assert matching.index_is_current()
    # Nothing new: nothing read again.
    assert matching.refresh_index() == 0


def test_the_index_follows_later_publications():
    publish(party("Acme Care Ltd", ch="01234567"), at=clock.now() - timedelta(days=1))
    matching.refresh_index()
    publish(party("Acme Care Ltd", ch="01234567", scale="sme"), ocid="ocds-lvlfld-2")
    assert not matching.index_is_current()
    matching.refresh_index()
    assert KnownOrganisation.objects.get().sme is True


def test_lines_match_by_companies_house_number_then_by_name(tmp_path):
    publish(
        party("Acme Care Ltd", ch="01234567", scale="sme", vcse=False),
        party("Beta & Sons Limited", scale="large", scheme_id="7"),
        party("Acme Care Group", ch="09999999", scale="large"),
    )
    path = spend_file(
        tmp_path,
        [
            ("Acme Holdings", "1234567", "100"),  # a different name, the same company
            ("ACME CARE GROUP LTD", "", "50"),  # by name
            ("The Beta and Sons", "", "25"),  # by name, legal form and "The" aside
            ("Gamma Ltd", "", "1000"),
        ],
    )
    summary = SpendImporter().run([path])
    lines = {line.supplier_name: line for line in SpendLine.objects.select_related("organisation")}
    assert lines["Acme Holdings"].organisation.identifier == "GB-COH-01234567"
    assert lines["Acme Holdings"].match == "companies_house"
    assert lines["ACME CARE GROUP LTD"].organisation.identifier == "GB-COH-09999999"
    assert lines["ACME CARE GROUP LTD"].match == "name"
    assert lines["The Beta and Sons"].organisation.identifier == "GB-LFP-7"
    assert lines["Gamma Ltd"].organisation is None
    assert lines["Gamma Ltd"].match == ""
    assert (summary.stored, summary.matched) == (4, 3)
    assert "75.0% of lines (3 of 4), 14.9% of the amount" in summary.lines()[-1]


def test_a_name_matches_the_organisation_with_a_companies_house_number_first(tmp_path):
    publish(party("Delta Ltd", scheme_id="1"), party("Delta Limited", ch="00000042"))
    SpendImporter().run([spend_file(tmp_path, [("DELTA", "", "1")])])
    assert SpendLine.objects.get().organisation.ch == "00000042"


def test_a_resolution_is_applied_now_and_on_later_imports(tmp_path):
    publish(party("Epsilon Community Transport CIO", ch="CE012345", vcse=True))
    SpendImporter().run(
        [spend_file(tmp_path, [("Epsilon CT", "", "300"), ("Zeta Cafe", "", "20")], "a.csv")]
    )
    assert SpendLine.objects.filter(organisation__isnull=True).count() == 2
    admin = UserFactory(is_superuser=True, is_staff=True)
    epsilon = KnownOrganisation.objects.get()
    actions_spend.resolve_supplier(by=admin, name_key="epsilon ct", organisation=epsilon)
    actions_spend.resolve_supplier(by=admin, name_key="zeta cafe", organisation=None)
    line = SpendLine.objects.get(supplier_name="Epsilon CT")
    assert (line.organisation, line.match) == (epsilon, "person")
    assert SpendLine.objects.get(supplier_name="Zeta Cafe").match == "not_known"
    resolution = SupplierResolution.objects.get(name_key="epsilon ct")
    assert (resolution.resolved_by, resolution.organisation) == (admin, epsilon)

    summary = SpendImporter().run(
        [spend_file(tmp_path, [("EPSILON C.T.", "", "7"), ("Zeta Café", "", "1")], "b.csv")]
    )
    later = {line.supplier_name: line for line in SpendLine.objects.filter(file__name="b.csv")}
    assert (later["EPSILON C.T."].organisation, later["EPSILON C.T."].match) == (epsilon, "person")
    assert (later["Zeta Café"].organisation, later["Zeta Café"].match) == (None, "not_known")
    assert summary.matched == 1


def test_only_a_platform_admin_resolves(tmp_path):
    SpendImporter().run([spend_file(tmp_path, [("Eta", "", "1")])])
    with pytest.raises(actions_spend.PermissionDenied):
        actions_spend.resolve_supplier(by=UserFactory(), name_key="eta", organisation=None)
    assert not SupplierResolution.objects.exists()


def test_lines_imported_before_an_organisation_is_published_are_matched_later(tmp_path):
    SpendImporter().run([spend_file(tmp_path, [("Theta Ltd", "", "5")], "a.csv")])
    assert SpendLine.objects.get().organisation is None
    publish(party("Theta Limited", ch="00000007"))
    summary = SpendImporter().run([spend_file(tmp_path, [("Iota", "", "1")], "b.csv")])
    assert summary.rematched == 1
    assert SpendLine.objects.get(supplier_name="Theta Ltd").organisation.ch == "00000007"


def test_payment_rows_for_the_snapshot(tmp_path):
    publish(party("Acme Care Ltd", ch="01234567", scale="sme", vcse=True))
    path = tmp_path / "c.csv"
    path.write_text(
        "Entity,Payment Date,Supplier Name,Amount,Expense Type,Transaction No\n"
        "Shire County Council,31/03/2026,Acme Care Ltd,120.50,Care,T9\n"
        "Shire County Council,01/04/2026,Nobody Known,5,Care,\n",
        encoding="utf-8",
    )
    rows, mark = spend_rows.payment_rows(None)
    assert list(rows) == []
    SpendImporter().run([path])
    rows, mark = spend_rows.payment_rows(mark)
    rows = list(rows)
    assert rows[0] == {
        "source": "spend",
        "ocid": None,
        "buyer_id": "shire county council",
        "buyer_name": "Shire County Council",
        "supplier_id": "GB-COH-01234567",
        "supplier_name": "Acme Care Ltd",
        "supplier_ch": "01234567",
        "sme": True,
        "vcse": True,
        "amount": 120.5,
        "date": date(2026, 3, 31),
        "quarter": "2026-Q1",
        "cpv_division": None,
        "region": None,
        "expense_type": "Care",
        "transaction_id": "T9",
        "file": "c.csv",
        "line": 2,
    }
    assert (rows[1]["supplier_id"], rows[1]["sme"], rows[1]["quarter"]) == (None, None, "2026-Q2")
    # Nothing changed since: nothing again. A resolution: that line again.
    rows, mark = spend_rows.payment_rows(mark)
    assert list(rows) == []
    admin = UserFactory(is_superuser=True)
    actions_spend.resolve_supplier(
        by=admin, name_key="nobody known", organisation=KnownOrganisation.objects.get()
    )
    rows, _ = spend_rows.payment_rows(mark)
    assert [(r["line"], r["supplier_id"]) for r in rows] == [(3, "GB-COH-01234567")]


def test_payment_rows_leave_out_a_file_not_yet_complete(tmp_path):
    path = spend_file(tmp_path, [("A", "", "1"), ("B", "", "2"), ("C", "", "3")])

    def stop(stored):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SpendImporter(batch_size=1, after_batch=stop).run([path])
    rows, mark = spend_rows.payment_rows(0)
    assert list(rows) == []
    SpendImporter().run([path])
    rows, _ = spend_rows.payment_rows(mark)
    assert len(list(rows)) == 3


def test_payment_rows_name_two_files_of_one_name_apart(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    spend_file(tmp_path / "a", [("A", "", "1")], "spend.csv")
    spend_file(tmp_path / "b", [("B", "", "2")], "spend.csv")
    SpendImporter().run([tmp_path / "a", tmp_path / "b"])
    rows, _ = spend_rows.payment_rows(0)
    files = sorted(row["file"] for row in rows)
    assert files[0] == "spend.csv"
    assert files[1].startswith("spend.csv (")


def test_the_snapshot_holds_the_spend_lines_and_their_matches(tmp_path, settings):
    from levelfield.insights import engine, measures, snapshot

    settings.LEVELFIELD_INSIGHTS_DIR = str(tmp_path / "insights")
    settings.LEVELFIELD_INSIGHTS_ENGINE = "duckdb"
    settings.LEVELFIELD_INSIGHTS_WRITE_DIR = ""
    publish(party("Acme Care Ltd", ch="01234567", scale="sme"))
    SpendImporter().run([spend_file(tmp_path, [("Acme Care", "", "10"), ("Kappa", "", "5")])])
    snapshot.write()

    def payments():
        table = engine.tables(engine.connect())["payments"]
        return sorted(
            (r["source"], r["line"], r["supplier_id"], r["sme"]) for r in measures.rows(table)
        )

    assert payments() == [("spend", 2, "GB-COH-01234567", True), ("spend", 3, None, None)]
    admin = UserFactory(is_superuser=True)
    actions_spend.resolve_supplier(
        by=admin, name_key="kappa", organisation=KnownOrganisation.objects.get()
    )
    snapshot.write()
    assert payments() == [
        ("spend", 2, "GB-COH-01234567", True),
        ("spend", 3, "GB-COH-01234567", True),
    ]
