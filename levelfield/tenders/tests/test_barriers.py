"""Barrier checks for buyers: while drafting, the tender page lists what may keep small
organisations out, each with its reason and source; the buyer may go ahead and record why."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import barriers
from levelfield.tenders.models import BarrierDecision, Lot, Tender
from tests.support import testing

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ALL_CHECKS = {
    barriers.TURNOVER,
    barriers.SHORT_WINDOW,
    barriers.NOT_IN_LOTS,
    barriers.INSURANCE,
    "certificate_iso_27001",
    "certificate_iso_9001",
}


def crafted(**fields) -> Tender:
    """An unsaved draft: barrier checks are pure functions of the tender and its lots."""
    values = {
        "title": "Corporate IT support",
        "estimated_value": Decimal("1500000"),
        "minimum_turnover": None,
        "submission_deadline": NOW + timedelta(days=40),
        "insurance_before_award": False,
        "insurance_cover": "",
        "certificates_required": [],
        "lots_not_divided_reason": "",
    }
    values.update(fields)
    return Tender(**values)


def lots(*values) -> list[Lot]:
    return [Lot(number=n, title=f"Lot {n}", estimated_value=v) for n, v in enumerate(values, 1)]


def codes(tender, lot_list, at=NOW) -> set[str]:
    return {f.code for f in barriers.check(tender, lots=lot_list, at=at)}


# --- the checks --------------------------------------------------------------------------------


def test_every_check_fires_on_a_crafted_tender():
    tender = crafted(
        estimated_value=Decimal("400000"),
        minimum_turnover=Decimal("1500000"),
        submission_deadline=NOW + timedelta(days=14),
        insurance_before_award=True,
        insurance_cover="£10m public liability",
        certificates_required=["iso_27001", "iso_9001", "cyber_essentials"],
    )
    single = lots(Decimal("400000"))
    found = {f.code: f for f in barriers.check(tender, lots=single, at=NOW)}
    # Not in lots needs a large contract: this one is £400,000, so it is quiet here.
    assert set(found) == ALL_CHECKS - {barriers.NOT_IN_LOTS}
    turnover = found[barriers.TURNOVER]
    assert "£1,500,000" in turnover.reason and "£400,000" in turnover.reason
    assert "£800,000" in turnover.reason
    assert "reg. 58(9)" in turnover.source and "s.22" in turnover.source
    window = found[barriers.SHORT_WINDOW]
    assert "gives bidders 14 days" in window.reason and "at least 25 days" in window.reason
    assert "s.54" in window.source and window.blocks_publication
    assert "£10m public liability" in found[barriers.INSURANCE].reason
    assert "PPN 03/16" in found[barriers.INSURANCE].source
    iso = found["certificate_iso_27001"]
    assert "ISO 27001" in iso.title and "under £1,000,000" in iso.reason
    assert all(f.rules == "PA-2023" for f in found.values())

    large = crafted(estimated_value=Decimal("3000000"))
    lots_finding = barriers.check(large, lots=lots(Decimal("3000000")), at=NOW)
    assert [f.code for f in lots_finding] == [barriers.NOT_IN_LOTS]
    assert "s.18" in lots_finding[0].source and "£3,000,000" in lots_finding[0].reason


def test_in_lots_the_turnover_asked_is_weighed_against_the_smallest_lot():
    # £600,000 a year is twice the whole £300,000, and four times each of its two lots: a firm
    # bidding for one lot alone is shut out.
    tender = crafted(estimated_value=Decimal("300000"), minimum_turnover=Decimal("600000"))
    (finding,) = barriers.check(tender, lots=lots(Decimal("160000"), Decimal("140000")), at=NOW)
    assert finding.code == barriers.TURNOVER
    assert finding.title == "Minimum turnover is more than twice the value of a lot"
    assert "£600,000 a year of every bidder" in finding.reason
    assert "lot 2 (Lot 2) is worth £140,000" in finding.reason
    assert "Above £280,000" in finding.reason
    assert "of each lot" in finding.source
    # Lots without values yet: the whole contract's value.
    unvalued = [Lot(number=n, title=f"Lot {n}", estimated_value=None) for n in (1, 2)]
    assert barriers.check(tender, lots=unvalued, at=NOW) == []
    # One lot, or none yet: the whole contract's value.
    assert barriers.check(tender, lots=lots(Decimal("300000")), at=NOW) == []
    assert barriers.check(tender, lots=[], at=NOW) == []


def test_a_proportionate_tender_stays_quiet():
    tender = crafted(
        estimated_value=Decimal("1500000"),
        minimum_turnover=Decimal("3000000"),  # exactly twice: allowed
        submission_deadline=NOW + timedelta(days=25),  # exactly the minimum
        insurance_before_award=False,
        insurance_cover="£5m public liability",  # from the contract start: fine
        certificates_required=["iso_9001", "cyber_essentials"],  # £1.5m: ISO 9001 is fine
    )
    assert barriers.check(tender, lots=lots(Decimal("1500000")), at=NOW) == []


@pytest.mark.parametrize(
    ("fields", "lot_values", "fires"),
    [
        ({"minimum_turnover": Decimal("3000001")}, [], True),  # the value: £1,500,000
        ({"minimum_turnover": Decimal("3000000")}, [], False),
        # in lots, twice the smallest lot's value (reg. 58(9): the limit is for each lot)
        (
            {"estimated_value": Decimal("3000000"), "minimum_turnover": Decimal("2000001")},
            [Decimal("2000000"), Decimal("1000000")],
            True,
        ),
        (
            {"estimated_value": Decimal("3000000"), "minimum_turnover": Decimal("2000000")},
            [Decimal("2000000"), Decimal("1000000")],
            False,
        ),
        # s.54 counts days, not hours: the day before the 25th is short, any time on it is not
        ({"submission_deadline": NOW + timedelta(days=24)}, [], True),
        ({"submission_deadline": NOW + timedelta(days=25) - timedelta(minutes=1)}, [], False),
        ({"submission_deadline": NOW + timedelta(days=25)}, [], False),
        ({"estimated_value": Decimal("2000000.01")}, [Decimal("2000000.01")], True),
        ({"estimated_value": Decimal("2000000")}, [Decimal("2000000")], False),
        (
            {"estimated_value": Decimal("9000000"), "lots_not_divided_reason": "One site."},
            [Decimal("9000000")],
            False,
        ),
        (
            {"estimated_value": Decimal("12000000")},
            [Decimal("5000000.01"), Decimal("6999999.99")],
            True,
        ),
        (
            {"estimated_value": Decimal("10000000")},
            [Decimal("5000000"), Decimal("5000000")],
            False,
        ),
        (
            {"estimated_value": Decimal("999999"), "certificates_required": ["iso_27001"]},
            [],
            True,
        ),
        (
            {"estimated_value": Decimal("1000000"), "certificates_required": ["iso_27001"]},
            [],
            False,
        ),
        (
            {"estimated_value": Decimal("10000"), "certificates_required": ["cyber_essentials"]},
            [],
            False,
        ),
    ],
)
def test_each_threshold_at_its_boundary(fields, lot_values, fires):
    values = {"estimated_value": Decimal("1500000"), **fields}
    tender = crafted(**values)
    lot_list = lots(*(lot_values or [values["estimated_value"]]))
    assert bool(barriers.check(tender, lots=lot_list, at=NOW)) is fires


def test_thresholds_follow_the_commencement_date():
    assert barriers.rules_for(date(2025, 2, 23)).code == "PCR-2015"
    assert barriers.rules_for(date(2025, 2, 24)).code == "PA-2023"
    before_the_act = datetime(2024, 6, 3, 9, tzinfo=UTC)
    tender = crafted(submission_deadline=before_the_act + timedelta(days=27))
    (finding,) = barriers.check(tender, lots=lots(Decimal("1500000")), at=before_the_act)
    assert finding.code == barriers.SHORT_WINDOW
    assert finding.rules == "PCR-2015" and "reg. 27" in finding.source
    assert "Public Contracts Regulations 2015 reg. 27 requires at least 30 days" in finding.reason


# --- the buyer's page --------------------------------------------------------------------------


@pytest.fixture
def draft(buyer, officer):
    """A draft that would pass every publication rule, with two barriers in it. Its 10-day
    window is lawful (s.54) only because urgency is recorded, so it is no barrier: the check
    agrees with publication."""
    tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
    return tender_actions.update_tender(
        tender=tender,
        by=officer,
        s54_urgency_reason="The current provider stops on 31 March.",
        minimum_turnover=Decimal("5000000"),
        insurance_before_award=True,
        insurance_cover="£10m public liability",
    )


def detail(client, tender) -> str:
    response = client.get(reverse("tenders:detail", args=[tender.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_lists_each_finding_with_its_reason_and_source(client, officer, draft):
    client.force_login(officer)
    body = detail(client, draft)
    panel = body[body.index('id="barriers"') : body.index('id="publication-checks"')]
    for text in (
        "Minimum turnover is more than twice the contract value",
        "You ask for a turnover of at least £5,000,000 a year on a contract worth £1,200,000",
        "Source: Procurement Act 2023 s.22",
        "Insurance is demanded before award",
        "Go ahead and record why",
        "To review",
    ):
        assert text in panel, text
    assert "tender window" not in panel
    # Publishing is not blocked by a barrier: it is the buyer's call.
    assert "The tender meets every publication rule" in body


def test_a_buyer_goes_ahead_and_records_why(client, officer, draft):
    client.force_login(officer)
    url = reverse("tenders:barrier_reason", args=[draft.pk, barriers.INSURANCE])
    reason = "The work is on live electrical plant; the insurer requires cover from day one."
    response = client.post(url, {f"barrier-{barriers.INSURANCE}-reason": reason})
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:detail", args=[draft.pk]) + "#barriers"
    decision = BarrierDecision.objects.get()
    assert (decision.tender, decision.code, decision.reason) == (
        draft,
        "insurance_before_award",
        reason,
    )
    assert decision.decided_by == officer
    event = AuditEvent.objects.get(action="tender.barrier_reason_recorded")
    assert event.actor == officer
    assert event.object_id == str(draft.pk)
    assert event.data["code"] == "insurance_before_award" and event.data["reason"] == reason
    assert "Standard Selection Questionnaire" in event.data["source"]
    body = client.get(response["Location"]).content.decode()
    assert "Your reason for going ahead is recorded" in body
    assert f"Reason recorded by {officer.full_name}" in body and reason in body
    assert "Going ahead" in body and "Change the reason" in body
    # The history shows it too.
    assert "Going ahead despite: Insurance is demanded before award" in body

    # Recording again replaces the reason: still one decision, two audit events.
    client.post(url, {f"barrier-{barriers.INSURANCE}-reason": "Insurer's condition."})
    assert BarrierDecision.objects.get().reason == "Insurer's condition."
    assert AuditEvent.objects.filter(action="tender.barrier_reason_recorded").count() == 2


def test_a_reason_is_reviewed_again_once_the_finding_changes(client, officer, draft):
    client.force_login(officer)
    reason = "The contract needs a provider able to carry a full year of costs."
    client.post(
        reverse("tenders:barrier_reason", args=[draft.pk, barriers.TURNOVER]),
        {f"barrier-{barriers.TURNOVER}-reason": reason},
    )
    client.post(
        reverse("tenders:barrier_reason", args=[draft.pk, barriers.INSURANCE]),
        {f"barrier-{barriers.INSURANCE}-reason": "The insurer's condition."},
    )

    def going_ahead() -> set[str]:
        return {row.finding.code for row in barriers.panel(draft) if row.going_ahead}

    assert going_ahead() == {barriers.TURNOVER, barriers.INSURANCE}
    # The buyer raises the turnover asked: the reason was for less, so it is to review again.
    draft = tender_actions.update_tender(
        tender=draft, by=officer, minimum_turnover=Decimal("50000000")
    )
    assert going_ahead() == {barriers.INSURANCE}
    card = detail(client, draft)
    card = card[card.index(f'id="barrier-{barriers.TURNOVER}"') :]
    card = card[: card.index('id="barrier-', 10)]
    assert "To review" in card and "Going ahead</strong>" not in card
    assert "The tender has changed since" in card
    assert "£5,000,000 a year" in card and "£50,000,000 a year" in card and reason in card
    assert "Go ahead and record why" in card
    api = client.get(f"/api/buyer/tenders/{draft.pk}").json()
    reasons = {b["code"]: b["proceed_reason"] for b in api["barriers"]}
    assert reasons[barriers.TURNOVER] is None
    assert reasons[barriers.INSURANCE] == "The insurer's condition."
    # Recording again answers what the check finds now.
    client.post(
        reverse("tenders:barrier_reason", args=[draft.pk, barriers.TURNOVER]),
        {f"barrier-{barriers.TURNOVER}-reason": reason},
    )
    assert going_ahead() == {barriers.TURNOVER, barriers.INSURANCE}


def test_renaming_a_lot_leaves_a_reason_in_force_and_a_new_value_does_not(buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    first = tender.lots.get()
    tender_actions.update_lot(lot=first, by=officer, estimated_value=Decimal("200000"))
    second = tender_actions.add_lot(
        tender=tender, by=officer, title="Lot B", estimated_value=Decimal("100000")
    )
    tender = tender_actions.update_tender(
        tender=tender, by=officer, minimum_turnover=Decimal("400000")
    )
    tender_actions.record_barrier_reason(
        tender=tender, by=officer, code=barriers.TURNOVER, reason="Both lots run together."
    )

    def turnover_row():
        (row,) = [r for r in barriers.panel(tender) if r.finding.code == barriers.TURNOVER]
        return row

    assert turnover_row().going_ahead
    tender_actions.update_lot(lot=second, by=officer, title="Lot B (north)")
    assert turnover_row().going_ahead
    assert "Lot B (north)" in turnover_row().finding.reason
    tender_actions.update_lot(lot=second, by=officer, estimated_value=Decimal("90000"))
    assert turnover_row().changed


def test_an_empty_reason_is_refused_beside_the_finding(client, officer, draft):
    client.force_login(officer)
    url = reverse("tenders:barrier_reason", args=[draft.pk, barriers.TURNOVER])
    response = client.post(url, {f"barrier-{barriers.TURNOVER}-reason": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Give your reason for going ahead" in body
    assert f'href="#id_barrier-{barriers.TURNOVER}-reason"' in body
    assert not BarrierDecision.objects.exists()


def test_only_the_buyers_officers_can_record_a_reason_and_only_while_drafting(
    client, buyer, officer, evaluator, draft
):
    url = reverse("tenders:barrier_reason", args=[draft.pk, barriers.TURNOVER])
    data = {f"barrier-{barriers.TURNOVER}-reason": "Because."}
    client.force_login(evaluator)
    assert client.post(url, data).status_code == 403
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    client.force_login(other)
    assert client.post(url, data).status_code == 404
    with pytest.raises(PermissionDenied):
        tender_actions.record_barrier_reason(
            tender=draft, by=evaluator, code=barriers.TURNOVER, reason="x"
        )
    # A check that finds nothing cannot be answered.
    with pytest.raises(DomainError, match="finds nothing"):
        tender_actions.record_barrier_reason(
            tender=draft, by=officer, code=barriers.NOT_IN_LOTS, reason="x"
        )
    client.force_login(officer)
    response = client.post(
        reverse("tenders:barrier_reason", args=[draft.pk, "certificate_iso_9001"]), data
    )
    assert response.status_code == 302
    assert not BarrierDecision.objects.exists()
    # Once published, the panel is gone and reasons can no longer be recorded.
    published = tender_actions.publish_tender(tender=draft, by=officer)
    assert 'id="barriers"' not in detail(client, published)
    with pytest.raises(InvalidTransition):
        tender_actions.record_barrier_reason(
            tender=published, by=officer, code=barriers.TURNOVER, reason="x"
        )
    assert not BarrierDecision.objects.exists()


def test_a_proportionate_draft_shows_no_barriers(client, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    client.force_login(officer)
    body = detail(client, tender)
    assert "No barriers found" in body


def test_the_tender_form_keeps_the_requirements(client, officer, draft):
    client.force_login(officer)
    edit = reverse("tenders:edit", args=[draft.pk])
    form = client.get(edit).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name in {"clarification_date", "submission_date", "expected_award_date"} or name in {
            "contract_start",
            "contract_end",
        }:
            parts = field.widget.decompress(value)
            for part, piece in zip(("day", "month", "year"), parts, strict=True):
                data[f"{name}_{part}"] = piece
        elif isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = value
    data.pop("suitable_for_vcse", None)
    data.update(
        {
            "suitable_for_sme": "on",
            "reserved_participation": "smeVcse",
            "estimated_value": "£900,000",
            "minimum_turnover": "£1,800,000",
            "insurance_before_award": "no",
            "insurance_cover": "£5m public liability",
            "certificates_required": ["iso_27001", "cyber_essentials"],
            "lots_not_divided_reason": "One care pathway.",
        }
    )
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.reserved_participation == "smeVcse"
    assert draft.minimum_turnover == Decimal("1800000")
    assert draft.insurance_before_award is False
    assert draft.insurance_cover == "£5m public liability"
    assert draft.certificates_required == ["iso_27001", "cyber_essentials"]
    assert draft.lots_not_divided_reason == "One care pathway."
    body = detail(client, draft)
    assert "ISO 27001 (information security) is not proportionate to the value" in body
    assert "Minimum turnover is more than twice" not in body
    # Insurance before award without the cover is refused beside the form.
    data.update({"insurance_before_award": "yes", "insurance_cover": ""})
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "Enter the insurance cover bidders must hold before award" in (response.content.decode())


def test_the_buyer_api_sets_requirements_and_lists_barriers(client, officer):
    client.force_login(officer)
    with clock.frozen_at(NOW):
        deadline = NOW + timedelta(days=12)
        response = client.post(
            "/api/buyer/tenders",
            {
                "title": "Pest control",
                "description": "Pest control for council buildings.",
                "estimated_value": "80000",
                "submission_deadline": deadline.isoformat(),
                "clarification_deadline": (deadline - timedelta(days=5)).isoformat(),
                "minimum_turnover": "500000",
                "certificates_required": ["iso_9001"],
                "reserved_participation": "smeVcse",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
    assert body["reserved_participation"] == "smeVcse"
    assert body["minimum_turnover"] == "500000.00"
    assert body["certificates_required"] == ["iso_9001"]
    # 12 days below threshold is lawful (s.54 sets 10 there): no window finding.
    assert {b["code"] for b in body["barriers"]} == {
        barriers.TURNOVER,
        "certificate_iso_9001",
    }
    assert all(b["source"] and b["reason"] for b in body["barriers"])
    assert all(b["proceed_reason"] is None for b in body["barriers"])
    refused = client.post(
        "/api/buyer/tenders",
        {"title": "x", "description": "y", "certificates_required": ["iso_1"]},
        content_type="application/json",
    )
    assert refused.status_code == 422


def test_the_buyer_api_records_a_reason_to_go_ahead(client, officer, draft):
    client.force_login(officer)
    url = f"/api/buyer/tenders/{draft.pk}/barriers/{barriers.INSURANCE}/reason"
    reason = "The insurer of the site requires cover from the first visit."
    response = client.post(url, {"reason": reason}, content_type="application/json")
    assert response.status_code == 200, response.content
    found = {b["code"]: b for b in response.json()["barriers"]}
    assert found[barriers.INSURANCE]["proceed_reason"] == reason
    assert found[barriers.TURNOVER]["proceed_reason"] is None
    event = AuditEvent.objects.get(action="tender.barrier_reason_recorded")
    assert event.actor == officer and event.data["reason"] == reason

    blank = client.post(url, {"reason": "   "}, content_type="application/json")
    assert blank.status_code == 400 and blank.json()["code"] == "validation_error"
    quiet = client.post(
        f"/api/buyer/tenders/{draft.pk}/barriers/{barriers.NOT_IN_LOTS}/reason",
        {"reason": "Because."},
        content_type="application/json",
    )
    assert quiet.status_code == 400 and "finds nothing" in quiet.json()["message"]
    assert BarrierDecision.objects.get().reason == reason

    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    client.force_login(other)
    refused = client.post(url, {"reason": "Mine now."}, content_type="application/json")
    assert refused.status_code == 404
    assert BarrierDecision.objects.get().reason == reason
