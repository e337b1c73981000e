"""A bid declares its subcontractors; the awarded contract carries them (for indirect SME and
VCSE spend) and the published award says what is subcontracted. Subcontractors the bid relies
on are checked for exclusion."""

from decimal import Decimal

import pytest
from django.urls import reverse
from jsonschema.validators import Draft4Validator

from levelfield.accounts.actions import create_api_token
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidStatus
from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.opendata.models import Release
from levelfield.opendata.tests import schema
from levelfield.suppliers import actions, exclusions, selectors
from levelfield.suppliers.models import BidDeclaration, ContractSubcontractor, Size
from levelfield.tenders import actions as tender_actions
from tests.support import testing


def draft(tender, org, user, price="100000"):
    lot = tender.lots.get()
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    answers = {q.pk: "Our answer." for q in lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=user, price=Decimal(price), answers=answers)


def transport(bid, by, **fields):
    values = {
        "name": "Shaston Community Transport",
        "size": Size.MICRO,
        "is_vcse": True,
        "share_percent": Decimal("6"),
        "description": "Door-to-door transport to day activities.",
    }
    values.update(fields)
    return actions.add_subcontractor(bid=bid, by=by, **values)


def latest_release(tag: str) -> dict:
    return [r.data for r in Release.objects.order_by("position") if tag in r.tags][-1]


def schema_errors(release: dict) -> list[str]:
    patched = schema.patched_release_schema()
    validator = Draft4Validator(patched, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(release)]


def test_subcontractors_are_carried_to_the_contract_and_published(
    client, tender, officer, buyer_admin, evaluator, supplier
):
    org, user = supplier
    byte_bridge, _ = testing.supplier_with_user("Byte Bridge Digital Ltd", size=Size.MICRO)
    bid = draft(tender, org, user)
    transport(bid, user)
    actions.add_subcontractor(
        bid=bid,
        by=user,
        organisation=selectors.find_supplier(byte_bridge.supplier_profile.platform_identifier),
        name="",
        size="",
        share_percent=Decimal("2.5"),
        description="Care-planning app support.",
        relied_on=True,
    )
    bid_actions.submit_bid(bid=bid, by=user)
    # The bidder's and the relied-on subcontractor's declarations both went with it.
    assert {(d.organisation, d.role) for d in bid.declarations.all()} == {
        (org, BidDeclaration.Role.BIDDER),
        (byte_bridge, BidDeclaration.Role.SUBCONTRACTOR),
    }

    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid.pk, 1): 75, (bid.pk, 2): 75},
        )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)

    # The award notice already says what the winning bid subcontracts.
    award = latest_release("award")["awards"][0]
    assert award["hasSubcontracting"] is True
    assert award["subcontracting"]["minimumPercentage"] == 0.085
    assert award["subcontracting"]["value"] == {"amount": 8500.0, "currency": "GBP"}

    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=tender.lots.get(),
            by=officer,
            value=Decimal("120000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        contract_actions.sign_contract(contract=contract, by=buyer_admin)

    carried = list(selectors.contract_subcontractors(contract))
    assert [(c.name, c.size, c.is_vcse, c.share_percent, c.value) for c in carried] == [
        ("Shaston Community Transport", "micro", True, Decimal("6.00"), Decimal("7200.00")),
        ("Byte Bridge Digital Ltd", "micro", False, Decimal("2.50"), Decimal("3000.00")),
    ]
    assert carried[1].organisation == byte_bridge and carried[1].relied_on
    assert all(c.is_sme for c in carried)
    assert list(contract.subcontractors.all()) == carried

    release = latest_release("contract")
    [award] = release["awards"]
    subcontracting = award["subcontracting"]
    assert award["hasSubcontracting"] is True
    assert subcontracting["minimumPercentage"] == subcontracting["maximumPercentage"] == 0.085
    assert subcontracting["value"] == {"amount": 10200.0, "currency": "GBP"}
    assert (
        "Shaston Community Transport (6%): Door-to-door transport"
        in (subcontracting["description"])
    )
    references = [s["subcontractor"] for s in subcontracting["subcontracts"]]
    parties = {p["id"]: p for p in release["parties"]}
    assert [r["id"] for r in references] == [
        "subcontractor-shaston-community-transport",
        f"GB-LEVELFIELD-{byte_bridge.pk}",
    ]
    for reference in references:
        party = parties[reference["id"]]
        assert party["roles"] == ["subcontractor"]
        assert party["details"]["scale"] == "sme"
    assert parties["subcontractor-shaston-community-transport"]["details"]["vcse"] is True
    assert schema_errors(release) == []

    # The buyer's contract page lists them with their share of the value.
    client.force_login(buyer_admin)
    page = client.get(reverse("contracts:sign", args=[tender.pk, contract.pk]))
    body = page.content.decode()
    assert "Shaston Community Transport" in body and "£7,200" in body and "Micro, VCSE" in body


def test_a_relied_on_subcontractor_must_be_registered_and_not_excluded(tender, supplier):
    org, user = supplier
    bid = draft(tender, org, user)
    with pytest.raises(DomainError, match="must be registered on levelfield"):
        transport(bid, user, relied_on=True)
    partner_org, partner_admin = testing.supplier_with_user("Tarrant Highways Ltd")
    actions.add_subcontractor(
        bid=bid,
        by=user,
        organisation=partner_org,
        name="",
        size="",
        share_percent=Decimal("20"),
        description="Traffic management.",
        relied_on=True,
    )
    answers = exclusions.no_grounds()
    answers["cartel"] = {"applies": True, "details": "A bid-rigging finding in 2024."}
    actions.declare_exclusions(organisation=partner_org, by=partner_admin, answers=answers)
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=user)
    assert refused.value.message.startswith(
        "Tarrant Highways Ltd (subcontractor relied on) has declared that a mandatory exclusion "
        "ground applies"
    )
    # A subcontractor not relied on is not checked.
    sub = bid.subcontractors.get()
    actions.remove_subcontractor(subcontractor=sub, by=user)
    actions.add_subcontractor(
        bid=bid,
        by=user,
        organisation=partner_org,
        name="",
        size="",
        share_percent=Decimal("20"),
        description="Traffic management.",
    )
    bid_actions.submit_bid(bid=bid, by=user)


def test_subcontractors_change_only_while_the_bid_can(tender, supplier):
    org, user = supplier
    bid = draft(tender, org, user)
    sub = transport(bid, user)
    with pytest.raises(DomainError, match="more than 100%"):
        transport(bid, user, name="Another", share_percent=Decimal("95"))
    with pytest.raises(DomainError) as refused:
        transport(bid, user, name="", size="", share_percent=Decimal("0"), description="")
    assert set(refused.value.details) == {
        "Enter the subcontractor's name",
        "Choose the subcontractor's size",
        "Enter the subcontractor's share of the contract value, from 0.01 to 100",
        "Say what the subcontractor will do",
    }
    bid_actions.submit_bid(bid=bid, by=user)
    with pytest.raises(DomainError, match="Withdraw your submitted bid"):
        transport(bid, user, name="Late addition")
    with pytest.raises(DomainError, match="Withdraw your submitted bid"):
        actions.remove_subcontractor(subcontractor=sub, by=user)
    # Another supplier cannot touch them.
    _other, other_user = testing.supplier_with_user()
    with pytest.raises(DomainError) as refused:
        actions.remove_subcontractor(subcontractor=sub, by=other_user)
    assert refused.value.code == "forbidden"
    with testing.after_deadline(tender):
        bid_actions_refused = pytest.raises(DomainError)
        with bid_actions_refused:
            bid_actions.withdraw_bid(bid=bid, by=user)
        with pytest.raises(DomainError):
            transport(bid, user, name="After the deadline")
    assert bid.subcontractors.count() == 1


def test_the_subcontractors_page_adds_and_removes(client, tender, supplier):
    org, user = supplier
    client.force_login(user)
    lot = tender.lots.get()
    client.post(reverse("bids:start", args=[lot.pk]))
    body = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    bid = org.bids.get()
    url = reverse("suppliers:subcontractors", args=[bid.pk])
    assert url in body and "No subcontractors declared" in body

    # An unknown identifier is refused, keeping what was typed.
    response = client.post(
        url,
        {"identifier": "GB-LEVELFIELD-0", "share_percent": "10", "description": "Gardening."},
    )
    assert response.status_code == 200
    assert "No registered supplier has that" in response.content.decode()
    assert "Gardening." in response.content.decode()

    response = client.post(
        url,
        {
            "name": "Shaston Community Transport",
            "size": "micro",
            "is_vcse": "on",
            "share_percent": "6",
            "description": "Door-to-door transport.",
        },
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Shaston Community Transport has been added to your bid" in body
    assert "Micro, VCSE" in body and "6%" in body
    sub = bid.subcontractors.get()
    body = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert "Shaston Community Transport" in body

    response = client.post(reverse("suppliers:subcontractor_remove", args=[bid.pk, sub.pk]))
    assert response.status_code == 302
    assert not bid.subcontractors.exists()

    # Another supplier's bid is 404.
    _other, other_user = testing.supplier_with_user()
    client.force_login(other_user)
    assert client.get(url).status_code == 404


def test_the_api_declares_subcontractors(client, tender, supplier):
    org, user = supplier
    _, secret = create_api_token(user=user, name="tests")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    bid = draft(tender, org, user)
    url = f"/api/supplier/bids/{bid.pk}/subcontractors"
    added = client.post(
        url,
        {
            "name": "Shaston Community Transport",
            "size": "micro",
            "is_vcse": True,
            "share_percent": "6",
            "description": "Transport.",
        },
        content_type="application/json",
        **auth,
    )
    assert added.status_code == 201, added.content
    assert added.json()["share_percent"] == "6.00"
    too_long = client.post(
        url,
        {"name": "A" * 201, "size": "micro", "share_percent": "1", "description": "Transport."},
        content_type="application/json",
        **auth,
    )
    assert too_long.status_code == 422, "a name longer than 200 characters does not fit"
    assert [s["name"] for s in client.get(url, **auth).json()] == ["Shaston Community Transport"]
    removed = client.delete(f"{url}/{added.json()['id']}", **auth)
    assert removed.status_code == 200
    assert client.get(url, **auth).json() == []
    # Another supplier's bid is 404.
    other, other_user = testing.supplier_with_user()
    _, other_secret = create_api_token(user=other_user, name="tests")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other_secret}").status_code == 404


def test_profile_and_declaration_through_the_api(client, supplier):
    org, user = supplier
    _, secret = create_api_token(user=user, name="tests")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    profile = client.put(
        "/api/supplier/profile",
        {
            "legal_name": "Acorn Care Ltd",
            "charity_number": "SC012345",
            "vcse_type": "charity",
            "staff_headcount": 249,
            "annual_turnover": "44000000.00",
            "region": "UKK",
            "regions_served": ["UKK", "UKL"],
            "cpv_interests": ["85"],
        },
        content_type="application/json",
        **auth,
    )
    assert profile.status_code == 200, profile.content
    body = profile.json()
    assert (body["size"], body["is_sme"], body["is_vcse"]) == ("medium", True, True)
    assert body["size_worked_out"] and len(body["size_explanation"]) == 3
    assert body["annual_turnover"] == "44000000.00"
    assert body["platform_identifier"] == f"GB-LEVELFIELD-{org.pk}"

    grounds = client.get("/api/supplier/exclusion-grounds", **auth).json()
    answers = [{"ground": g["code"], "applies": False} for g in grounds["grounds"]]
    made = client.post(
        "/api/supplier/declaration",
        {"answers": answers},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    assert made.json()["current"] and made.json()["mandatory_grounds"] == []
    assert client.get("/api/supplier/declaration", **auth).json()["id"] == made.json()["id"]
    incomplete = client.post(
        "/api/supplier/declaration",
        {"answers": answers[1:]},
        content_type="application/json",
        **auth,
    )
    assert incomplete.status_code == 400 and incomplete.json()["code"] == "validation_error"


def test_a_contract_without_subcontractors_carries_none(
    tender, officer, buyer_admin, evaluator, supplier
):
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid.pk, 1): 50, (bid.pk, 2): 50},
        )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=tender.lots.get(),
            by=officer,
            value=Decimal("100000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
    assert not ContractSubcontractor.objects.filter(contract=contract).exists()
    assert bid.status == BidStatus.SUBMITTED
