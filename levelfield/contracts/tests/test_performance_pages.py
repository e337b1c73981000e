"""The performance pages: the buyer assesses (UK9 published) and records failures; the outcome
pages; who may see and do what."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.contracts.models import ContractNotice
from levelfield.contracts.models.performance import PerformanceFailure
from tests.support import testing

from .kpis_builders import evaluator_of, on, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return testing.signed_contract()


def test_the_buyer_assesses_through_the_page_and_sees_the_notice(client, built):
    signed_in(client, built.officer)
    start = built.contract.start_date
    day = start + timedelta(days=200)
    with on(day):
        form = client.get(reverse("contracts:assess", args=[built.contract.pk]))
        assert f'value="{start:%d/%m/%Y}"' in form.content.decode()
        response = client.post(
            reverse("contracts:assess", args=[built.contract.pk]),
            {
                "period_start": f"{start:%d/%m/%Y}",
                "period_end": f"{day:%d/%m/%Y}",
                "rating": "good",
                "narrative": "Every visit made on time",
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("contracts:performance", args=[built.contract.pk]))
    notice = ContractNotice.objects.get(notice_type="UK9")
    text = page.content.decode()
    assert "Every visit made on time" in text
    assert notice.release_id in text
    # The next is due 12 months after the period assessed.
    assert "Next assessment due by" in text


def test_a_refused_assessment_is_shown_on_the_form(client, built):
    signed_in(client, built.officer)
    start = built.contract.start_date
    with on(start + timedelta(days=10)):
        response = client.post(
            reverse("contracts:assess", args=[built.contract.pk]),
            {
                "period_start": f"{start:%d/%m/%Y}",
                "period_end": f"{start + timedelta(days=20):%d/%m/%Y}",
                "rating": "good",
                "narrative": "Fine",
            },
        )
    assert response.status_code == 200
    assert "The assessed period cannot end after today" in response.content.decode()
    assert not ContractNotice.objects.filter(notice_type="UK9").exists()


def test_the_buyer_records_a_failure_through_the_page(client, built):
    signed_in(client, built.officer)
    day = built.contract.start_date + timedelta(days=40)
    with on(day):
        response = client.post(
            reverse("contracts:failure_add", args=[built.contract.pk]),
            {
                "kind": "settlement",
                "description": "Missed visits; settled",
                "occurred_on": f"{day:%d/%m/%Y}",
                "penalty": "",
                "amount": "1,250.50",
            },
        )
    assert response.status_code == 302
    failure = PerformanceFailure.objects.get()
    assert (failure.kind, str(failure.amount)) == ("settlement", "1250.50")
    page = client.get(reverse("contracts:performance", args=[built.contract.pk]))
    assert "Breach leading to a settlement agreement" in page.content.decode()
    assert "£1,250.50" in page.content.decode()


def test_who_may_see_and_do_what_on_the_performance_and_outcome_pages(client, built):
    other = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    evaluator = evaluator_of(built.buyer)
    pk = built.contract.pk
    views = ("performance", "outcomes")
    changes = ("assess", "failure_add", "outcome_measure", "outcome_record", "priced_outcome_add")

    for name in views + changes:
        assert client.get(reverse(f"contracts:{name}", args=[pk])).status_code == 302
    signed_in(client, other.officer)
    for name in views + changes:
        assert client.get(reverse(f"contracts:{name}", args=[pk])).status_code == 404
    signed_in(client, evaluator)
    for name in views:
        assert client.get(reverse(f"contracts:{name}", args=[pk])).status_code == 200
    for name in changes:
        assert client.get(reverse(f"contracts:{name}", args=[pk])).status_code == 403
    signed_in(client, built.supplier_user)
    for name in views + changes:
        assert client.get(reverse(f"contracts:{name}", args=[pk])).status_code == 404
    assert client.get(reverse("contracts:supplier_outcomes", args=[pk])).status_code == 200
    signed_in(client, built.buyer_admin)
    assert client.get(reverse("contracts:supplier_outcomes", args=[pk])).status_code == 404


def test_the_comparison_page_reads_each_contract_in_one_query(
    client, built, django_assert_max_num_queries
):
    from levelfield.contracts.actions import outcomes

    second = testing.signed_contract(buyer=built.buyer)
    for item in (built, second):
        outcomes.set_outcome_measure(contract=item.contract, by=built.officer, measure="visits")
    signed_in(client, built.officer)
    client.get(reverse("contracts:cost_per_outcome"))  # warm the session

    with django_assert_max_num_queries(8):
        page = client.get(reverse("contracts:cost_per_outcome"))

    text = page.content.decode()
    for item in (built, second):
        assert reverse("contracts:outcomes", args=[item.contract.pk]) in text
