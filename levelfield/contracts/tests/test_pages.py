"""The buyer's award and contract pages: confirm the award, publish the notice, wait out the
standstill, record and sign the contract."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.contracts import actions as contract_actions
from levelfield.contracts.models import AssessmentSummary, AwardDecision, Contract
from levelfield.core import clock
from levelfield.core.templatetags.govuk import uk_time
from levelfield.core.workingdays import standstill_end
from levelfield.tenders import actions as tender_actions
from tests.support import testing

BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def bid_on(tender, supplier, other_supplier, *, level=False):
    """Two bids, submitted before the deadline."""
    org_a, user_a = supplier
    org_b, user_b = other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    bid_b = testing.submitted_bid(
        tender=tender, supplier=org_b, by=user_b, price="100000" if level else "80000"
    )
    return SimpleNamespace(tender=tender, bid_a=bid_a, bid_b=bid_b, user_a=user_a, user_b=user_b)


def evaluate(bids, officer, evaluator, *, level=False):
    """After the deadline: open the bids, score and moderate everything."""
    tender, bid_a, bid_b = bids.tender, bids.bid_a, bids.bid_b
    tender_actions.open_evaluation(tender=tender, by=officer)
    # Price 40 (lowest price), Q1 quality 50, Q2 social value 10.
    # Acorn, 100000: 50 + 10 + 80000/100000 x 40 = 32 -> 92.00, the winner.
    # Beech, 80000:  25 + 5 + 40 -> 70.00.
    # When level: both 100000 with the same scores -> 92.00 each, still level after the
    # tie-break (highest quality).
    b_scores = (100, 100) if level else (50, 50)
    testing.score_everything(
        tender=tender,
        officer=officer,
        evaluator=evaluator,
        scores={
            (bid_a.pk, 1): 100,
            (bid_a.pk, 2): 100,
            (bid_b.pk, 1): b_scores[0],
            (bid_b.pk, 2): b_scores[1],
        },
    )
    tender.refresh_from_db()
    return bids


@pytest.fixture
def scored(tender, officer, evaluator, supplier, other_supplier):
    bids = bid_on(tender, supplier, other_supplier)
    with testing.after_deadline(tender):
        yield evaluate(bids, officer, evaluator)


@pytest.fixture
def awarded(scored, buyer_admin):
    contract_actions.confirm_award(tender=scored.tender, by=buyer_admin)
    scored.tender.refresh_from_db()
    return scored


@pytest.fixture
def in_standstill(awarded, officer):
    awarded.tender = contract_actions.publish_award_notice(tender=awarded.tender, by=officer)
    return awarded


def url(name, tender, *args):
    return reverse(f"contracts:{name}", args=[tender.pk, *args])


# --- award decision --------------------------------------------------------------------------


def test_the_award_page_shows_the_ranking_and_proposed_winner(client, scored, officer):
    signed_in(client, officer)
    html = client.get(url("award", scored.tender)).content.decode()
    assert "Proposed winner: <strong>Acorn Care Ltd</strong>" in html
    assert "92.00" in html and "70.00" in html
    assert "Only a buyer admin can confirm the award decision" in html
    assert "Confirm award decision" not in html
    assert "Award and contract: where this tender is" in html


def test_an_officer_cannot_confirm_the_award(client, scored, officer):
    signed_in(client, officer)
    response = client.post(url("award", scored.tender), {"reason": ""})
    assert response.status_code == 403
    assert not AwardDecision.objects.exists()
    scored.tender.refresh_from_db()
    assert scored.tender.status == "evaluation"


def test_an_admin_confirms_and_every_bidder_gets_an_email_and_a_summary(
    client, scored, buyer_admin, django_capture_on_commit_callbacks
):
    signed_in(client, buyer_admin)
    page = client.get(url("award", scored.tender)).content.decode()
    assert "Confirm award decision" in page

    mail.outbox.clear()
    # The button first shows what will happen, and decides nothing.
    with django_capture_on_commit_callbacks(execute=True):
        check = client.post(url("award", scored.tender), {"reason": ""})
    assert check.status_code == 200
    html = check.content.decode()
    assert "Are you sure you want to confirm the award decision?" in html
    assert "This cannot be undone. Every bidder is emailed at once" in html
    assert "Awarded to Acorn Care Ltd. 2 bidders told the outcome." in html
    assert 'name="confirm" value="yes"' in html
    assert not AwardDecision.objects.exists() and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("award", scored.tender), {"reason": "", "confirm": "yes"})
    assert response.status_code == 302

    decision = AwardDecision.objects.get()
    assert decision.winning_bid == scored.bid_a
    summaries = {s.bid_id: s for s in AssessmentSummary.objects.all()}
    assert summaries[scored.bid_a.pk].successful is True
    assert summaries[scored.bid_b.pk].successful is False
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([scored.user_a.email, scored.user_b.email])
    assert all(m.subject.startswith("Assessment summary") for m in mail.outbox)

    html = client.get(response.url).content.decode()
    assert "Award decision confirmed" in html
    assert "Successful" in html and "Unsuccessful" in html
    assert "Beech Homecare CIC" in html
    assert "Confirm award decision" not in html


def test_level_bids_need_the_buyer_to_choose_and_say_why(
    client, tender, officer, evaluator, buyer_admin, supplier, other_supplier
):
    bids = bid_on(tender, supplier, other_supplier, level=True)
    with testing.after_deadline(tender):
        level = evaluate(bids, officer, evaluator, level=True)
        signed_in(client, buyer_admin)
        page = client.get(url("award", tender)).content.decode()
        assert "level at the top even after the tie-break" in page
        assert "Which one wins?" in page

        lot = tender.lots.get()
        refused = client.post(url("award", tender), {"reason": ""})
        assert refused.status_code == 200
        assert "Lot 1: choose the winning bid" in refused.content.decode()
        no_reason = client.post(
            url("award", tender), {f"lot_{lot.pk}": str(level.bid_b.pk), "confirm": "yes"}
        )
        assert no_reason.status_code == 200
        assert "Record why you chose between level bids" in no_reason.content.decode()
        assert not AwardDecision.objects.exists()

        chosen = client.post(
            url("award", tender),
            {f"lot_{lot.pk}": str(level.bid_b.pk), "reason": "Stronger local delivery."},
        )
        assert "Awarded to Beech Homecare CIC. 2 bidders told the outcome." in (
            chosen.content.decode()
        )
        assert "Stronger local delivery." in chosen.content.decode()
        assert not AwardDecision.objects.exists()
        chosen = client.post(
            url("award", tender),
            {
                f"lot_{lot.pk}": str(level.bid_b.pk),
                "reason": "Stronger local delivery.",
                "confirm": "yes",
            },
        )
        assert chosen.status_code == 302
        decision = AwardDecision.objects.get()
        assert decision.winning_bid == level.bid_b
        assert decision.reason == "Stronger local delivery."


def test_the_award_page_is_not_found_before_the_deadline_or_for_another_buyer(
    client, tender, buyer_admin
):
    signed_in(client, buyer_admin)
    assert client.get(url("award", tender)).status_code == 404
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    signed_in(client, other)
    with testing.after_deadline(tender):
        assert client.get(url("award", tender)).status_code == 404
        assert client.get(url("notice", tender)).status_code == 404


# --- award notice and standstill -------------------------------------------------------------


def test_the_notice_page_shows_the_standstill_end_and_refuses_a_shorter_one(
    client, awarded, officer
):
    tender = awarded.tender
    signed_in(client, officer)
    statutory = standstill_end(clock.now(), 8)
    page = client.get(url("notice", tender)).content.decode()
    assert uk_time(statutory) in page

    # The notice day itself is far too early.
    too_soon = clock.now().astimezone(clock.UK).date()
    refused = client.post(url("notice", tender), {"ends_on": too_soon.strftime("%d/%m/%Y")})
    assert refused.status_code == 200
    assert "The standstill must last at least 8 working days" in refused.content.decode()
    tender.refresh_from_db()
    assert tender.status == "award_decided"

    response = client.post(url("notice", tender), {"ends_on": ""})
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.status == "standstill"
    assert tender.standstill_ends_at == statutory
    assert uk_time(statutory) in client.get(response.url).content.decode()


def test_the_buyer_may_set_a_later_standstill_end(client, awarded, officer):
    tender = awarded.tender
    signed_in(client, officer)
    statutory = standstill_end(clock.now(), 8)
    last_day = statutory.astimezone(clock.UK).date() + timedelta(days=6)
    response = client.post(url("notice", tender), {"ends_on": last_day.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    tender.refresh_from_db()
    ends = tender.standstill_ends_at.astimezone(clock.UK)
    assert ends.date() == last_day + timedelta(days=1)
    assert (ends.hour, ends.minute) == (0, 0)


# --- contract --------------------------------------------------------------------------------


def test_recording_before_the_standstill_ends_is_refused_and_after_it_works(
    client, in_standstill, officer
):
    tender = in_standstill.tender
    lot = tender.lots.get()
    signed_in(client, officer)
    record_url = url("record", tender, lot.pk)

    page = client.get(record_url).content.decode()
    assert f"The standstill period ends at {uk_time(tender.standstill_ends_at)}" in page
    assert 'value="100000.00"' in page  # the winning price
    assert f'value="{tender.contract_start.isoformat()}"' in page

    data = {
        "value": "100000.00",
        "start_date": tender.contract_start.strftime("%d/%m/%Y"),
        "end_date": tender.contract_end.strftime("%d/%m/%Y"),
    }
    refused = client.post(record_url, data)
    assert refused.status_code == 200
    assert (
        "The contract cannot be entered into before the standstill period ends at "
        f"{uk_time(tender.standstill_ends_at)}"
    ) in refused.content.decode()
    assert not Contract.objects.exists()

    with clock.frozen_at(tender.standstill_ends_at):
        response = client.post(record_url, data)
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.value == Decimal("100000.00")
    assert contract.supplier == in_standstill.bid_a.supplier
    assert response.url == url("sign", tender, contract.pk)


def test_signing_moves_the_tender_to_contract_signed(client, in_standstill, officer, buyer_admin):
    tender = in_standstill.tender
    with clock.frozen_at(tender.standstill_ends_at + timedelta(hours=1)):
        contract = contract_actions.record_contract(
            lot=tender.lots.get(),
            by=officer,
            value=Decimal("100000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        sign_url = url("sign", tender, contract.pk)

        signed_in(client, officer)
        assert "Only a buyer admin" in client.get(sign_url).content.decode()
        assert client.post(sign_url).status_code == 403

        signed_in(client, buyer_admin)
        page = client.get(sign_url).content.decode()
        assert "Confirm the contract is signed" in page
        response = client.post(sign_url)
        assert response.status_code == 302
        tender.refresh_from_db()
        assert tender.status == "contract_signed"
        html = client.get(response.url, follow=True).content.decode()
        assert "Contract for lot 1 signed" in html
        assert "Signed at" in html


def test_contract_pages_are_not_found_for_another_buyer(client, in_standstill):
    tender = in_standstill.tender
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    signed_in(client, other)
    assert client.get(url("record", tender, tender.lots.get().pk)).status_code == 404
    assert client.get(url("sign", tender, 1)).status_code == 404
