"""The contract record's pages as the buyer's people, the supplier and the public use them."""

import pytest
from django.urls import reverse

from levelfield.contracts.actions import records
from levelfield.contracts.models import Contract, ContractStatus
from tests.support import testing

from .records_data import buyer_with_people, entered, identifier

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def people():
    return buyer_with_people()


@pytest.fixture
def acorn():
    return testing.supplier_with_user("Acorn Grounds Ltd")


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_an_officer_enters_a_contract_on_the_page_and_lands_on_its_page(client, people, acorn):
    buyer, _, officer, evaluator = people
    login(client, officer)
    form = page(client.get(reverse("contracts:enter")))
    assert "Enter a contract let elsewhere" in form
    assert "Eve Evaluator (evaluator)" in form  # the buyer's people to choose a manager from

    manager = buyer.memberships.get(user=evaluator)
    response = client.post(
        reverse("contracts:enter"),
        {
            "title": "Grounds maintenance",
            "category": "services",
            "supplier_identifier": identifier(acorn[0]),
            "value": "£120,000",
            "start_date": "1/4/2027",
            "end_date": "31/3/2029",
            "risk": "low",
            "contract_manager": manager.pk,
        },
    )

    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:detail", args=[contract.pk])
    detail = page(client.get(response["Location"]))
    assert "Grounds maintenance" in detail
    assert "£120,000" in detail
    assert "Recorded, awaiting signature" in detail
    assert "Eve Evaluator" in detail
    # An officer may not sign: no button for it.
    assert reverse("contracts:sign_let_elsewhere", args=[contract.pk]) not in detail


def test_the_action_refusal_shows_on_the_form(client, people, acorn):
    _, _, officer, _ = people
    login(client, officer)

    response = client.post(
        reverse("contracts:enter"),
        {
            "title": "Grounds maintenance",
            "category": "services",
            "supplier_identifier": "GB-LEVELFIELD-999999",
            "value": "0",
            "start_date": "1/4/2029",
            "end_date": "31/3/2027",
            "risk": "low",
        },
    )

    body = page(response)
    assert "There is a problem" in body
    assert records.SUPPLIER_UNKNOWN in body
    assert "The contract value must be more than £0" in body
    assert "The contract must start on or before the day it ends" in body
    assert not Contract.objects.exists()


def test_an_admin_signs_then_takes_it_live_through_the_confirm_pages(client, people, acorn):
    buyer, admin, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    login(client, admin)
    sign_url = reverse("contracts:sign_let_elsewhere", args=[contract.pk])

    assert sign_url in page(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "This cannot be undone" in page(client.get(sign_url))
    client.post(sign_url)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED

    detail = page(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert reverse("contracts:mobilise", args=[contract.pk]) in detail
    assert reverse("contracts:go_live", args=[contract.pk]) in detail
    client.post(reverse("contracts:go_live", args=[contract.pk]))
    response = client.post(
        reverse("contracts:suspend", args=[contract.pk]), {"reason": "Safety audit"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUSPENDED
    detail = page(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "Safety audit" in detail
    assert reverse("contracts:resume", args=[contract.pk]) in detail


def test_a_refused_step_says_why(client, people, acorn):
    buyer, admin, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    login(client, admin)

    response = client.post(reverse("contracts:go_live", args=[contract.pk]), follow=True)

    assert "A contract that is recorded, awaiting signature cannot become live" in page(response)


def test_the_buyers_people_only_see_their_own_contracts(client, people, acorn):
    buyer, _, officer, evaluator = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    _, _, other_officer, _ = buyer_with_people("Vale District Council")

    assert (
        login(client, evaluator).get(reverse("contracts:detail", args=[contract.pk])).status_code
        == 200
    )
    assert client.get(reverse("contracts:edit", args=[contract.pk])).status_code == 403
    assert (
        login(client, other_officer)
        .get(reverse("contracts:detail", args=[contract.pk]))
        .status_code
        == 404
    )
    assert (
        login(client, acorn[1]).get(reverse("contracts:detail", args=[contract.pk])).status_code
        == 404
    )
    assert client.get(reverse("contracts:register")).status_code == 404
    client.logout()
    assert client.get(reverse("contracts:register")).status_code == 302


def test_an_officer_changes_the_details_and_the_tier_follows(client, people, acorn):
    buyer, _, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0], reference="GM-1")
    login(client, officer)

    response = client.post(
        reverse("contracts:edit", args=[contract.pk]),
        {
            "reference": "GM-1",
            "title": "Grounds and verges",
            "category": "services",
            "value": "600000",
            "start_date": "1/4/2027",
            "end_date": "31/3/2029",
            "risk": "low",
        },
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Grounds and verges"
    assert contract.tier == "silver"  # £600,000 is over the £500,000 of silver
    assert contract.original_value == contract.value


def test_the_supplier_sees_its_signed_contracts_only(client, people, acorn):
    buyer, admin, officer, _ = people
    recorded = entered(buyer=buyer, by=officer, supplier=acorn[0], title="Not signed yet")
    signed = records.sign_let_elsewhere(
        contract=entered(buyer=buyer, by=officer, supplier=acorn[0], title="Hedge cutting"),
        by=admin,
    )
    other, other_user = testing.supplier_with_user("Beech Ltd")
    theirs = records.sign_let_elsewhere(
        contract=entered(buyer=buyer, by=officer, supplier=other, title="Beech work"), by=admin
    )
    login(client, acorn[1])

    listing = page(client.get(reverse("contracts:supplier_contracts")))
    assert "Hedge cutting" in listing
    assert "Not signed yet" not in listing and "Beech work" not in listing
    assert "Hedge cutting" in page(
        client.get(reverse("contracts:supplier_contract", args=[signed.pk]))
    )
    assert client.get(reverse("contracts:supplier_contract", args=[recorded.pk])).status_code == 404
    assert client.get(reverse("contracts:supplier_contract", args=[theirs.pk])).status_code == 404


def test_the_public_register_shows_signed_contracts_without_private_fields(client, people, acorn):
    buyer, admin, officer, evaluator = people
    recorded = entered(buyer=buyer, by=officer, supplier=acorn[0], title="Not signed yet")
    signed = records.sign_let_elsewhere(
        contract=entered(
            buyer=buyer,
            by=officer,
            supplier=acorn[0],
            title="Hedge cutting",
            contract_manager=evaluator,
            supplier_contact_name="Sam Secretcontact",
            supplier_contact_email="sam@acorn.example",
            risk="high",
        ),
        by=admin,
    )
    records.add_document(
        contract=signed, by=officer, title="Internal risk note", upload=testing.pdf()
    )

    listing = page(client.get(reverse("contracts:public_register")))
    assert "Hedge cutting" in listing and "Not signed yet" not in listing
    public = page(client.get(reverse("contracts:public_contract", args=[signed.pk])))
    assert "Hedge cutting" in public and "Acorn Grounds Ltd" in public
    for private in (
        "Eve Evaluator",
        "Sam Secretcontact",
        "sam@acorn.example",
        "High",
        "Internal risk note",
        "Gold",
    ):
        assert private not in public, private
    assert client.get(reverse("contracts:public_contract", args=[recorded.pk])).status_code == 404
    assert reverse("contracts:public_register") in page(client.get(reverse("public:home")))


def test_the_links_to_the_register_are_where_people_look(client, people):
    _, _, officer, _ = people
    login(client, officer)

    dashboard = page(client.get(reverse("tenders:dashboard")))

    assert reverse("contracts:register") in dashboard


def test_the_award_pages_link_to_the_signed_contracts_page(client):
    built = testing.signed_contract()
    login(client, built.officer)
    contract = built.contract

    sign_page = page(
        client.get(reverse("contracts:sign", args=[contract.lot.tender_id, contract.pk]))
    )

    assert reverse("contracts:detail", args=[contract.pk]) in sign_page


STEP_PAGES = {
    # url name: (status the contract is in, who may take the step)
    "sign_let_elsewhere": (ContractStatus.RECORDED, {"admin"}),
    "mobilise": (ContractStatus.SIGNED, {"admin", "officer"}),
    "go_live": (ContractStatus.SIGNED, {"admin", "officer"}),
    "suspend": (ContractStatus.LIVE, {"admin"}),
    "resume": (ContractStatus.SUSPENDED, {"admin"}),
    "edit": (ContractStatus.RECORDED, {"admin", "officer"}),
    "manager": (ContractStatus.RECORDED, {"admin", "officer"}),
    "add_option": (ContractStatus.RECORDED, {"admin", "officer"}),
    "add_document": (ContractStatus.RECORDED, {"admin", "officer"}),
}


def contract_at(status, people, supplier):
    buyer, admin, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=supplier)
    if status != ContractStatus.RECORDED:
        records.sign_let_elsewhere(contract=contract, by=admin)
    if status in (ContractStatus.LIVE, ContractStatus.SUSPENDED):
        records.go_live(contract=contract, by=officer)
    if status == ContractStatus.SUSPENDED:
        records.suspend(contract=contract, by=admin, reason="Audit")
    return contract


@pytest.mark.parametrize("name", list(STEP_PAGES))
def test_each_step_page_opens_for_those_who_may_and_no_one_else(client, people, acorn, name):
    buyer, admin, officer, evaluator = people
    status, allowed = STEP_PAGES[name]
    contract = contract_at(status, people, acorn[0])
    _, other_admin, _, _ = buyer_with_people("Vale District Council")
    url = reverse(f"contracts:{name}", args=[contract.pk])
    expected = {
        "admin": 200 if "admin" in allowed else 403,
        "officer": 200 if "officer" in allowed else 403,
        "evaluator": 403,
        "other_admin": 404,
        "supplier": 404,
    }
    users = {
        "admin": admin,
        "officer": officer,
        "evaluator": evaluator,
        "other_admin": other_admin,
        "supplier": acorn[1],
    }

    seen = {who: login(client, user).get(url).status_code for who, user in users.items()}
    client.logout()

    assert seen == expected
    assert client.get(url).status_code == 302  # to sign in
    assert client.post(url).status_code == 302
    contract.refresh_from_db()
    assert contract.status == status


def test_a_document_is_uploaded_on_its_page_and_downloaded_by_the_buyers_people_only(
    client, people, acorn
):
    buyer, _, officer, evaluator = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    login(client, officer)

    response = client.post(
        reverse("contracts:add_document", args=[contract.pk]),
        {"title": "Signed contract", "file": testing.pdf("signed.pdf")},
    )

    assert response.status_code == 302
    document = contract.documents.get()
    url = reverse("contracts:document", args=[contract.pk, document.pk])
    assert url in page(client.get(reverse("contracts:detail", args=[contract.pk])))
    download = login(client, evaluator).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(client, acorn[1]).get(url).status_code == 404
    refused = login(client, officer).post(
        reverse("contracts:add_document", args=[contract.pk]),
        {"title": "Notes", "file": testing.pdf("notes.exe", b"MZ")},
    )
    assert "notes.exe must be one of these file types" in page(refused)


def test_the_supplier_page_shows_what_the_supplier_may_see(client, people, acorn):
    buyer, admin, officer, evaluator = people
    contract = contract_at(ContractStatus.LIVE, people, acorn[0])
    records.update_contract(contract=contract, by=officer, risk="high")
    records.assign_manager(contract=contract, by=officer, manager=evaluator)
    records.add_document(contract=contract, by=officer, title="Risk register", upload=testing.pdf())
    login(client, acorn[1])

    body = page(client.get(reverse("contracts:supplier_contract", args=[contract.pk])))

    assert "Grounds maintenance" in body and "Eve Evaluator" in body
    assert "Risk register" not in body
    assert "High" not in body and "Gold" not in body


def test_naming_an_under_accredited_manager_says_so(client, people, acorn):
    buyer, admin, officer, evaluator = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0], critical=True)
    login(client, officer)

    response = client.post(
        reverse("contracts:manager", args=[contract.pk]),
        {"manager": buyer.memberships.get(user=evaluator).pk},
        follow=True,
    )

    assert (
        "Contract manager saved. A gold contract needs an expert contract manager; its manager "
        "has no accreditation." in page(response)
    )
    contract.refresh_from_db()
    assert contract.contract_manager == evaluator
