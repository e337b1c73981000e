"""Someone trying another organisation's contract: every contract page (found from the URL
patterns, so a page added later is covered too) and the API operations that name an object of a
contract. Another buyer's officer or admin, or the supplier of another contract, gets 404 for a
contract that is not theirs, and 404 for an object of contract B reached through contract A's
address; the supplier of a contract only recorded (not yet signed) sees nothing of it."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import get_resolver

from levelfield.accounts.actions import create_api_token
from levelfield.contracts.actions import outcomes, records
from levelfield.contracts.models import ChecklistItem, Contract, Invoice, Kpi, OutcomeClaim
from tests.support import testing

from . import kpis_builders as kb
from . import payments_data
from .records_data import entered

pytestmark = pytest.mark.django_db

# Pages that act on the whole contract whatever the object (they take no object id), and the
# signing page of a tender (its own permission checks, tested with the tenders).
NOT_CONTRACT_PAGES = ("buyer/tenders/", "social-value/", "admin/", "api/")


def contract_patterns() -> list[str]:
    found = []

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, prefix + str(pattern.pattern))
                continue
            path = prefix + str(pattern.pattern)
            if (
                "<int:pk>" in path
                and "contracts/" in path
                and not path.startswith(NOT_CONTRACT_PAGES)
            ):
                found.append(path)

    walk(get_resolver())
    return found


def address(pattern: str, ids: dict) -> str:
    return "/" + re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), pattern)


def everything(signed) -> dict:
    """One of each object on the contract, through the actions; their ids by URL name."""
    contract = signed.contract
    kpi = kb.add(contract, signed.officer)
    outcome = outcomes.add_priced_outcome(
        contract=contract,
        by=signed.officer,
        name="Tenancy sustained",
        unit_price="100",
        budget="10000",
        evidence_required="Landlord's letter",
    )
    with kb.on(contract.start_date + timedelta(days=120)):
        claim = outcomes.claim_outcome(
            outcome=outcome,
            by=signed.supplier_user,
            period_start=contract.start_date,
            period_end=contract.start_date + timedelta(days=30),
            quantity="2",
            narrative="Two families kept their homes",
            evidence=testing.pdf("letters.pdf"),
        )
        outcomes.set_outcome_measure(contract=contract, by=signed.officer, measure="people")
        record = outcomes.record_outcomes(
            contract=contract,
            by=signed.officer,
            period_start=contract.start_date,
            period_end=contract.start_date + timedelta(days=30),
            quantity="3",
        )
    invoice = payments_data.invoice(
        signed, "INV-1", contract.start_date + timedelta(days=120), "500.00"
    )
    option = records.add_option(
        contract=contract, by=signed.buyer_admin, description="One more year", months=12
    )
    document = records.add_document(
        contract=contract, by=signed.buyer_admin, title="Pricing", upload=testing.pdf("p.pdf")
    )
    item = ChecklistItem.objects.filter(contract=contract).first()
    return {
        "pk": contract.pk,
        "kpi_id": kpi.pk,
        "number": 1,
        "outcome_id": outcome.pk,
        "claim_id": claim.pk,
        "record_id": record.pk,
        "invoice_id": invoice.pk,
        "option_id": option.pk,
        "document_id": document.pk,
        "item_id": item.pk,
        "user_id": signed.officer.pk,
    }


@pytest.fixture
def two():
    a = testing.signed_contract(value="250000")
    b = testing.signed_contract(value="250000", buyer=testing.buyer_org("Other Council"))
    return a, everything(a), b, everything(b)


def test_every_contract_page_of_another_organisation_is_not_found(client, two):
    a, ids_a, b, ids_b = two
    through_a = {**ids_b, "pk": ids_a["pk"]}  # contract A's address, contract B's objects
    wrong = []
    patterns = contract_patterns()
    assert len(patterns) >= 50  # every buyer's and supplier's contract page, not a few
    for pattern in patterns:
        has_object = re.search(r"<int:(?!pk>)\w+>", pattern) is not None
        tries = [(a.officer, ids_b), (a.buyer_admin, ids_b), (a.supplier_user, ids_b)]
        if has_object:
            tries += [(a.buyer_admin, through_a), (a.supplier_user, through_a)]
        for user, ids in tries:
            client.force_login(user, backend=kb.BACKEND)
            url = address(pattern, ids)
            if url.startswith("/contracts/") and "payments-compliance" not in url:
                continue  # the public pages: B is public
            for method in ("get", "post"):
                status = getattr(client, method)(url, {}).status_code
                if status not in (403, 404, 405):
                    wrong.append(f"{method.upper()} {url} as {user}: {status}")
    assert wrong == []
    # Nothing of B's was changed on the way.
    assert Invoice.objects.get(pk=ids_b["invoice_id"]).paid_on is None
    assert OutcomeClaim.objects.get(pk=ids_b["claim_id"]).status == "claimed"
    assert Kpi.objects.filter(pk=ids_b["kpi_id"]).exists()


def test_api_objects_of_contract_b_through_contract_a_are_not_found(client, two):
    a, ids_a, b, ids_b = two
    A = ids_a["pk"]
    day = a.contract.start_date + timedelta(days=130)
    headers = {}
    for who, user in (("buyer", a.buyer_admin), ("supplier", a.supplier_user)):
        # a year's token: the calls are made 130 days on
        _, secret = create_api_token(user=user, name="probe", lifetime_days=365)
        headers[who] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    kpi = {"name": "n", "target": "1", "unit": "%", "frequency": "quarterly", "direction": "higher"}
    calls = [
        ("buyer", "post", f"invoices/{ids_b['invoice_id']}/paid", {"paid_on": str(day)}),
        ("buyer", "post", f"invoices/{ids_b['invoice_id']}/dispute", {"reason": "Hours"}),
        ("buyer", "post", f"invoices/{ids_b['invoice_id']}/resolve", {}),
        ("buyer", "post", f"claims/{ids_b['claim_id']}/reject", {"reason": "No letter"}),
        ("buyer", "post", f"claims/{ids_b['claim_id']}/validate", {}),
        ("buyer", "put", f"kpis/{ids_b['kpi_id']}", kpi),
        ("buyer", "delete", f"kpis/{ids_b['kpi_id']}", None),
        ("buyer", "delete", f"options/{ids_b['option_id']}", None),
        ("buyer", "delete", f"outcomes/records/{ids_b['record_id']}", None),
        ("buyer", "post", f"checklist/{ids_b['item_id']}/done", {"note": "Done"}),
        ("buyer", "post", f"checklist/{ids_b['item_id']}/reopen", {}),
        ("supplier", "post", f"kpis/{ids_b['kpi_id']}/reports", {"period": 1, "value": "5"}),
        ("supplier", "put", f"kpis/{ids_b['kpi_id']}/reports/1", {"value": "5"}),
    ]
    wrong = []
    with kb.on(day):
        for who, method, rest, body in calls:
            side = "buyer" if who == "buyer" else "supplier"
            url = f"/api/{side}/contracts/{A}/{rest}"
            extra = {} if body is None else {"data": json.dumps(body)}
            response = getattr(client, method)(
                url, content_type="application/json", **extra, **headers[who]
            )
            if response.status_code != 404:
                wrong.append(f"{method.upper()} {url}: {response.status_code}")
        response = client.post(
            f"/api/supplier/contracts/{A}/priced-outcomes/{ids_b['outcome_id']}/claims",
            {
                "period_start": str(a.contract.start_date),
                "period_end": str(a.contract.start_date + timedelta(days=10)),
                "quantity": "1",
                "narrative": "One family",
                "evidence": testing.pdf("letter.pdf"),
            },
            **headers["supplier"],
        )
        if response.status_code != 404:
            wrong.append(f"claim on B's outcome through A: {response.status_code}")
    assert wrong == []


def test_the_supplier_of_a_contract_only_recorded_sees_nothing_of_it(client):
    buyer = testing.buyer_org()
    officer = testing.member(buyer, "buyer_officer")
    supplier, supplier_user = testing.supplier_with_user()
    contract = entered(buyer=buyer, by=officer, supplier=supplier)
    assert contract.status == "recorded"
    _, secret = create_api_token(user=supplier_user, name="probe")
    client.force_login(supplier_user, backend=kb.BACKEND)
    pages = [
        f"/supplier/contracts/{contract.pk}/",
        f"/supplier/contracts/{contract.pk}/kpis/",
        f"/supplier/contracts/{contract.pk}/outcomes/",
        f"/supplier/contracts/{contract.pk}/invoices/",
        f"/contracts/{contract.pk}/",
    ]
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 404)
    assert contract.reference not in client.get("/supplier/contracts/").content.decode()
    assert contract.reference not in client.get("/contracts/").content.decode()
    api = [
        f"/api/supplier/contracts/{contract.pk}",
        f"/api/supplier/contracts/{contract.pk}/kpis",
        f"/api/supplier/contracts/{contract.pk}/invoices",
        f"/api/supplier/contracts/{contract.pk}/claims",
        f"/api/contracts/{contract.pk}",
    ]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert {url: client.get(url, **auth).status_code for url in api} == dict.fromkeys(api, 404)
    listed = client.get("/api/supplier/contracts", **auth).json()["items"]
    assert [item["id"] for item in listed] == []
    assert Contract.objects.public().filter(pk=contract.pk).count() == 0
