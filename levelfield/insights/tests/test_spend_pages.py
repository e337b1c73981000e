"""The spend pages and API for platform admins: files imported with their match rate, supplier
names not matched (highest total first) and resolving one; nobody else finds them."""

import pytest
from django.urls import reverse

from levelfield.core.models import AuditEvent
from levelfield.insights.models import KnownOrganisation, SpendLine, SupplierResolution
from levelfield.insights.spend_import import SpendImporter
from levelfield.opendata.models import Record
from tests.support.testing import UserFactory, buyer_org, member

pytestmark = pytest.mark.django_db

FILES = reverse("insights:spend_files")
UNMATCHED = reverse("insights:spend_unmatched")
RESOLVE = reverse("insights:spend_resolve")


@pytest.fixture
def spend(tmp_path):
    from levelfield.core import clock

    Record.objects.create(
        ocid="ocds-lvlfld-1",
        compiled={
            "parties": [
                {
                    "id": "a",
                    "name": "Acme Care Ltd",
                    "additionalIdentifiers": [{"scheme": "GB-COH", "id": "01234567"}],
                    "details": {"scale": "sme", "vcse": False},
                },
                {"id": "b", "name": "Wessex Community Trust", "details": {"vcse": True}},
            ]
        },
        updated=clock.now(),
    )
    path = tmp_path / "shire-2026-01.csv"
    path.write_text(
        "Date,Supplier,Amount\n"
        "01/01/2026,Acme Care Ltd,100\n"
        "01/01/2026,Wessex CT,300\n"
        "02/01/2026,Wessex CT,200\n"
        "02/01/2026,Zeta Taxis,50\n",
        encoding="utf-8",
    )
    SpendImporter().run([path])


@pytest.fixture
def admin(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", [FILES, UNMATCHED, RESOLVE + "?name=zeta+taxis"])
def test_nobody_but_a_platform_admin_finds_the_pages(client, spend, url):
    assert client.get(url).status_code == 302  # signed out: to sign in
    client.force_login(member(buyer_org(), "admin"))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 404


def test_a_buyer_cannot_resolve(client, spend):
    client.force_login(member(buyer_org(), "admin"))
    response = client.post(RESOLVE, {"name": "zeta taxis", "choice": "none"})
    assert response.status_code == 404
    assert not SupplierResolution.objects.exists()


def test_the_files_page_gives_rows_and_match_rate(client, spend, admin):
    page = client.get(FILES).content.decode()
    assert "shire-2026-01.csv" in page
    assert "25.0%" in page  # one payment of four matched
    assert "15.4%" in page  # £100 of £650


def test_no_files_yet(client, admin):
    assert 'id="no-spend-files"' in client.get(FILES).content.decode()


def test_the_unmatched_are_listed_highest_total_first(client, spend, admin):
    page = client.get(UNMATCHED).content.decode()
    assert page.index("Wessex CT") < page.index("Zeta Taxis")
    assert "£500" in page
    assert "Acme Care Ltd" not in page
    assert "?name=wessex+ct" in page


def test_the_unmatched_list_turns_pages(client, tmp_path, admin):
    path = tmp_path / "many.csv"
    path.write_text(
        "Date,Supplier,Amount\n"
        + "".join(f"01/01/2026,Supplier {n:02},{1000 - n}\n" for n in range(30)),
        encoding="utf-8",
    )
    SpendImporter().run([path])
    first = client.get(UNMATCHED).content.decode()
    second = client.get(UNMATCHED + "?page=2").content.decode()
    assert "Supplier 00" in first and "Supplier 29" not in first
    assert "Supplier 29" in second and "Supplier 00" not in second


def test_a_person_finds_the_organisation_and_resolves_the_name(client, spend, admin):
    page = client.get(RESOLVE, {"name": "wessex ct", "q": "wessex"}).content.decode()
    wessex = KnownOrganisation.objects.get(name="Wessex Community Trust")
    assert "Wessex Community Trust" in page
    assert f'value="{wessex.pk}"' in page
    response = client.post(RESOLVE, {"name": "wessex ct", "q": "wessex", "choice": wessex.pk})
    assert response.status_code == 302
    assert response.url == UNMATCHED
    lines = SpendLine.objects.filter(supplier_key="wessex ct")
    assert {(line.organisation_id, line.match) for line in lines} == {(wessex.pk, "person")}
    resolution = SupplierResolution.objects.get()
    assert (resolution.organisation, resolution.resolved_by) == (wessex, admin)
    assert AuditEvent.objects.filter(action="insights.supplier_resolved").count() == 1
    page = client.get(UNMATCHED).content.decode()
    assert "Wessex CT is now matched to Wessex Community Trust" in page
    assert "?name=wessex+ct" not in page


def test_a_person_says_a_name_is_not_an_organisation_we_know(client, spend, admin):
    response = client.post(RESOLVE, {"name": "zeta taxis", "choice": "none"})
    assert response.status_code == 302
    assert SupplierResolution.objects.get().organisation is None
    assert SpendLine.objects.get(supplier_key="zeta taxis").match == "not_known"


def test_resolving_without_a_choice_says_what_to_do(client, spend, admin):
    response = client.post(RESOLVE, {"name": "zeta taxis", "q": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the organisation, or say it is not an organisation we know" in page
    assert 'href="#id_choice"' in page
    assert not SupplierResolution.objects.exists()


def test_a_search_with_nothing_found_says_so(client, spend, admin):
    page = client.get(RESOLVE, {"name": "zeta taxis", "q": "nothing like it"}).content.decode()
    assert 'id="no-organisations"' in page


def test_a_name_not_unmatched_is_not_found(client, spend, admin):
    assert client.get(RESOLVE, {"name": "acme care"}).status_code == 404
    assert client.get(RESOLVE).status_code == 404


def test_the_api_lists_files_and_the_unmatched_for_a_platform_admin(client, spend, admin):
    files = client.get("/api/insights/spend/files").json()
    assert files["count"] == 1
    item = files["items"][0]
    assert (item["name"], item["rows"], item["matched"], item["complete"]) == (
        "shire-2026-01.csv",
        4,
        1,
        True,
    )
    assert item["match_rate"] == 0.25
    unmatched = client.get("/api/insights/spend/unmatched").json()
    assert [(i["supplier_name"], i["lines"], i["total"]) for i in unmatched["items"]] == [
        ("Wessex CT", 2, "500.00"),
        ("Zeta Taxis", 1, "50.00"),
    ]


def test_the_api_is_not_found_for_others(client, spend):
    assert client.get("/api/insights/spend/files").status_code == 401
    client.force_login(member(buyer_org(), "admin"))
    assert client.get("/api/insights/spend/files").status_code == 404
    assert client.get("/api/insights/spend/unmatched").status_code == 404


@pytest.mark.parametrize(
    "choice",
    ["²", "٣", "-1", "0x1", "9" * 5000, "9" * 20, "0", "valid"],
    ids=[
        "superscript-2",
        "arabic-indic",
        "minus-1",
        "hex",
        "5000-digits",
        "20-digits",
        "0",
        "valid",
    ],
)
def test_an_organisation_chosen_is_read_as_an_id(client, spend, admin, choice):
    """The organisation chosen is offered again when the search no longer finds it, read as an
    id (core.numbers.read_id): str.isdigit took "²" and 5,000 digits, which int() refused (a
    server error); anything but an id is not one of the choices."""
    wessex = KnownOrganisation.objects.get(name="Wessex Community Trust")
    if choice == "valid":
        choice = str(wessex.pk)
    response = client.post(RESOLVE, {"name": "wessex ct", "choice": choice})
    if choice == str(wessex.pk):
        assert response.status_code == 302
        assert SupplierResolution.objects.get().organisation == wessex
        return
    assert response.status_code == 400
    assert response.context["form"].errors["choice"] == [
        "Choose one of the organisations listed, or search again"
    ]
    assert not SupplierResolution.objects.exists()
