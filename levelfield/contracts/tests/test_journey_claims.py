"""A supplier paid by results claims often (a claim a tenancy): the buyer can reach and decide
every claim, the oldest still waiting too, a page at a time; the supplier sees them all."""

from datetime import timedelta

import pytest

from levelfield.contracts.actions import outcomes
from tests.support import testing

from .kpis_builders import on, signed_in

pytestmark = pytest.mark.django_db


def pages(client, url):
    """The text of every page of the list, following the page links."""
    texts, number = [], 1
    while number <= 10:
        body = client.get(url, {"page": number}).content.decode()
        texts.append(body)
        if f"page={number + 1}" not in body:
            break
        number += 1
    return texts


def test_the_oldest_of_51_claims_can_be_reached_by_the_buyer_and_the_supplier(client):
    signed = testing.signed_contract(value="250000")
    contract = signed.contract
    outcome = outcomes.add_priced_outcome(
        contract=contract,
        by=signed.officer,
        name="Tenancy sustained",
        unit_price="10",
        budget="1000",
    )
    day = contract.start_date + timedelta(days=200)
    with on(day):
        claims = [
            outcomes.claim_outcome(
                outcome=outcome,
                by=signed.supplier_user,
                period_start=contract.start_date + timedelta(days=n),
                period_end=contract.start_date + timedelta(days=n),
                quantity="1",
                narrative=f"Tenancy {n}",
            )
            for n in range(51)
        ]
    oldest = claims[0]
    claim_link = f'/buyer/contracts/{contract.pk}/outcomes/claims/{oldest.pk}/"'

    signed_in(client, signed.officer)
    buyer_pages = pages(client, f"/buyer/contracts/{contract.pk}/outcomes/")
    assert len(buyer_pages) == 3  # 20 a page
    assert sum(claim_link in page for page in buyer_pages) == 1
    assert claim_link in buyer_pages[-1]

    signed_in(client, signed.supplier_user)
    supplier_pages = pages(client, f"/supplier/contracts/{contract.pk}/outcomes/")
    assert len(supplier_pages) == 3
    start = contract.start_date
    assert sum(page.count("Awaiting decision") for page in supplier_pages) == 51
    assert f"{start.day} {start:%B %Y} to {start.day} {start:%B %Y}" in supplier_pages[-1]
