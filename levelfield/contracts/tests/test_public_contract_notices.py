"""The public contract page lists the notices published about the contract, each linked to
its open data release, and nothing for a contract no notice has been published about."""

from datetime import timedelta

import pytest

from levelfield.contracts.actions import performance
from levelfield.contracts.models import ContractNotice
from levelfield.core import clock
from tests.support import testing

pytestmark = pytest.mark.django_db


def test_the_public_page_lists_the_performance_notice_with_its_release(client):
    signed = testing.signed_contract()
    contract = signed.contract
    day = contract.start_date + timedelta(days=200)
    with clock.frozen_at(clock.now() + timedelta(days=300)):
        performance.record_assessment(
            contract=contract,
            by=signed.officer,
            period_start=contract.start_date,
            period_end=day,
            rating="good",
            narrative="Every visit on time.",
        )
    notice = ContractNotice.objects.get(contract=contract, notice_type="UK9")

    text = client.get(f"/contracts/{contract.pk}/").content.decode()

    assert "UK9 contract performance notice" in text
    assert f"/api/ocds/releases/{notice.release_id}" in text
    assert "The contract details notice (UK7) was published" in text
    assert client.get(f"/api/ocds/releases/{notice.release_id}").status_code == 200


def test_a_contract_with_no_notice_says_so(client):
    contract = testing.signed_contract().contract

    text = client.get(f"/contracts/{contract.pk}/").content.decode()

    assert "No notice about this contract has been published on levelfield" in text
