"""In the contract: at signature the winner's commitments become obligations with due dates;
the supplier reports what was delivered, the buyer accepts, queries or rejects each report;
committed against delivered per contract and across the buyer's contracts; reminders; OCDS."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.opendata.models import Record, Release
from levelfield.socialvalue import actions, selectors
from levelfield.socialvalue.models import REPORT_ALLOWED, DeliveryReport, Obligation, ReportStatus
from levelfield.tenders import actions as tender_actions
from tests.support import testing

from .conftest import commit, social_value_tender

pytestmark = pytest.mark.django_db


def at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.UK)


def award(tender, *, officer, buyer_admin, evaluator, bids: dict) -> object:
    """Evaluate (the first bid of `bids` wins on quality), award and sign; the contract."""
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        scores = {}
        for index, bid in enumerate(bids):
            for number in (1, 2):
                scores[(bid.pk, number)] = 100 if index == 0 else 25
        testing.score_everything(tender=tender, officer=officer, evaluator=evaluator, scores=scores)
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=tender.lots.get(),
            by=officer,
            value=Decimal("200000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        return contract_actions.sign_contract(contract=contract, by=buyer_admin)


def bid_with(tender, organisation, user, price: str, commitments=()) -> object:
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=organisation, by=user)
    for fields in commitments:
        commit(bid, user, **fields)
    return testing.submitted_bid(tender=tender, supplier=organisation, by=user, price=price)


@pytest.fixture
def contract(buyer, officer, buyer_admin, evaluator, supplier, other_supplier):
    """Acorn wins with 6 apprenticeships (year 1), 200 volunteering hours (year 2) and 5 tonnes
    of CO2e avoided (year 1, no proxy value); Beech loses with 2 apprenticeships."""
    tender = social_value_tender(buyer=buyer, by=officer, codes=("G1",))
    winner = bid_with(
        tender,
        *supplier,
        "200000",
        [
            {"code": "APP", "quantity": "6", "year": 1},
            {"code": "VOL", "quantity": "200", "year": 2, "description": "volunteering"},
            {"code": "CO2", "quantity": "5", "year": 1, "description": "CO2e avoided"},
        ],
    )
    loser = bid_with(tender, *other_supplier, "190000", [{"code": "APP", "quantity": "2"}])
    return award(
        tender, officer=officer, buyer_admin=buyer_admin, evaluator=evaluator, bids=[winner, loser]
    )


def test_at_signature_the_winners_commitments_become_obligations_with_due_dates(
    contract, release_validator
):
    obligations = list(Obligation.objects.filter(contract=contract))
    start = contract.start_date
    assert [(o.number, o.quantity, o.unit, o.proxy_value) for o in obligations] == [
        (1, Decimal("6"), "apprenticeships", Decimal("2500")),
        (2, Decimal("200"), "hours", Decimal("15.50")),
        (3, Decimal("5"), "tonnes CO2e", None),
    ]
    # Due by the end of the contract year promised: start + 12 months - 1 day, and so on.
    assert obligations[0].due_on == actions.add_months(start, 12) - timedelta(days=1)
    assert obligations[1].due_on == actions.add_months(start, 24) - timedelta(days=1)
    # The loser's commitment binds nobody.
    assert Obligation.objects.count() == 3
    # Quarterly reporting until the last obligation is due: 8 periods, each report due 30 days
    # after the period ends.
    periods = list(contract.social_value_periods.all())
    assert len(periods) == 8
    assert periods[0].starts_on == start
    assert periods[0].ends_on == actions.add_months(start, 3) - timedelta(days=1)
    assert periods[0].report_due_on == periods[0].ends_on + timedelta(days=30)
    assert periods[-1].ends_on == obligations[1].due_on
    # Signing again does nothing more.
    assert actions.create_obligations(contract=contract, by=contract.signed_by) == obligations

    # Published with the contract: agreed metrics (targets) on the award and the contract, and
    # the lot's sustainability goal, in a release valid against the patched schema.
    release = Release.objects.filter(tags=["contract"]).order_by("-position").first()
    assert not release_validator(release.data)
    [published] = release.data["contracts"]
    target = published["agreedMetrics"][0]
    assert (target["title"], target["observations"][0]["measure"]) == (
        "apprenticeships for local care leavers",
        6,
    )
    assert target["observations"][0]["unit"] == {"name": "apprenticeships"}
    assert release.data["awards"][0]["agreedMetrics"] == published["agreedMetrics"]
    lot = release.data["tender"]["lots"][0]
    assert lot["sustainability"][0]["goal"] == "social.disadvantagedEmploymentOpportunities"
    # No pound values from the buyer's proxy table are published.
    assert "2500" not in str(release.data) and "amount" not in str(release.data)


def report_url(contract, obligation):
    return reverse("socialvalue:report_add", args=[contract.pk, obligation.pk])


def test_journey_reported_accepted_and_the_totals_on_the_buyer_page_add_up(
    client,
    contract,
    supplier,
    officer,
    buyer,
    buyer_admin,
    evaluator,
    other_supplier,
    release_validator,
    django_capture_on_commit_callbacks,
):
    org, user = supplier
    apprenticeships, volunteering, co2 = Obligation.objects.filter(contract=contract)
    period = contract.social_value_periods.get(number=1)
    with clock.frozen_at(at(period.starts_on + timedelta(days=20))):
        # The supplier reports through the page, with evidence.
        client.force_login(user)
        page = client.get(reverse("socialvalue:contract", args=[contract.pk])).content.decode()
        assert report_url(contract, apprenticeships) in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                report_url(contract, apprenticeships),
                {
                    "period": period.pk,
                    "quantity": "2",
                    "narrative": "Two apprentices started in Shaston.",
                    "evidence": testing.pdf("apprenticeship-agreements.pdf"),
                },
            )
        assert response.status_code == 302
        assert set(mail.outbox[-1].to) == {officer.email, buyer_admin.email}
        first = DeliveryReport.objects.get(obligation=apprenticeships)
        assert first.evidence.get().sha256
        actions.submit_report(
            obligation=volunteering, period=period, by=user, quantity="40", narrative="40 hours."
        )
        actions.submit_report(
            obligation=co2, period=period, by=user, quantity="1", narrative="One tonne."
        )

        # The buyer accepts the first and queries the second, each with a reason.
        client.force_login(officer)
        review = reverse("socialvalue:report", args=[first.pk])
        evidence = first.evidence.get()
        download = client.get(reverse("socialvalue:evidence", args=[first.pk, evidence.pk]))
        assert download.status_code == 200
        response = client.post(review, {"decision": "accepted", "reason": "Agreements seen."})
        assert response.status_code == 302
        second = DeliveryReport.objects.get(obligation=volunteering)
        response = client.post(
            reverse("socialvalue:report", args=[second.pk]), {"decision": "queried", "reason": ""}
        )
        assert "Give the reason for your decision" in response.content.decode()
        actions.review_report(report=second, by=officer, decision="queried", reason="Which groups?")
        # The supplier answers the query by sending the report again; then it is accepted.
        actions.submit_report(
            obligation=volunteering,
            period=period,
            by=user,
            quantity="40",
            narrative="40 hours with the Shaston and Melchester lunch clubs.",
        )
        second.refresh_from_db()
        assert second.status == ReportStatus.SUBMITTED
        actions.review_report(report=second, by=officer, decision="accepted", reason="Thanks.")
        assert [r.decision for r in second.reviews.order_by("at", "id")] == [
            "queried",
            "accepted",
        ]
        with pytest.raises(InvalidTransition):
            actions.review_report(report=second, by=officer, decision="rejected", reason="No")
        with pytest.raises(InvalidTransition):
            actions.submit_report(
                obligation=volunteering, period=period, by=user, quantity="1", narrative="x"
            )

        progress = selectors.contract_progress(contract)
        rows = {row.obligation.number: row for row in progress.obligations}
        assert (rows[1].delivered, rows[1].pending, rows[1].percent) == (Decimal("2"), 0, 33)
        assert (rows[3].delivered, rows[3].pending) == (Decimal("0"), Decimal("1"))

        # The buyer page: promised 6 x £2,500 + 200 x £15.50 = £15,000 + £3,100 = £18,100
        # (the CO2e has no proxy value); delivered 2 x £2,500 + 40 x £15.50 = £5,000 + £620
        # = £5,620.
        page = client.get(reverse("socialvalue:portfolio"))
        totals = page.context["totals"]
        assert (totals.committed_value, totals.delivered_value) == (
            Decimal("18100.00"),
            Decimal("5620.00"),
        )
        assert (totals.obligations, totals.unvalued, totals.percent) == (3, 1, 31)
        [row] = page.context["rows"]
        assert (row.committed_value, row.delivered_value) == (
            totals.committed_value,
            totals.delivered_value,
        )
        text = page.content.decode()
        assert "£18,100" in text and "£5,620" in text and "1 to review" in text
        contract_page = client.get(reverse("socialvalue:contract", args=[contract.pk]))
        assert contract_page.status_code == 200
        assert "<svg" in contract_page.content.decode()
        assert "Committed against delivered" in contract_page.content.decode()

        # The API gives the same numbers.
        from levelfield.accounts.actions import create_api_token

        _, secret = create_api_token(user=officer, name="sv")
        body = client.get(
            "/api/social-value/buyer/summary", HTTP_AUTHORIZATION=f"Bearer {secret}"
        ).json()
        assert (body["promised"], body["delivered"]) == ("18100.00", "5620.00")

    # Each acceptance was published as an implementation release, valid against the schema.
    implementation = list(Release.objects.filter(tags=["implementation"]).order_by("position"))
    assert len(implementation) == 2
    for release in implementation:
        assert not release_validator(release.data)
    record = Record.objects.get(ocid=implementation[-1].ocid).compiled
    metrics = record["contracts"][0]["implementation"]["metrics"]
    assert [(m["title"], [o["measure"] for o in m["observations"]]) for m in metrics] == [
        ("apprenticeships for local care leavers", [2]),
        ("volunteering", [40]),
    ]
    assert len(record["contracts"][0]["agreedMetrics"]) == 3


def test_totals_add_up_across_two_contracts(
    buyer, officer, buyer_admin, evaluator, supplier, other_supplier
):
    contracts = []
    for winner in (supplier, other_supplier):
        tender = social_value_tender(buyer=buyer, by=officer, codes=("G1",))
        bid = bid_with(tender, *winner, "100000", [{"code": "APP", "quantity": "4"}])
        contracts.append(
            award(tender, officer=officer, buyer_admin=buyer_admin, evaluator=evaluator, bids=[bid])
        )
    first = Obligation.objects.get(contract=contracts[0])
    period = contracts[0].social_value_periods.get(number=1)
    with clock.frozen_at(at(period.starts_on + timedelta(days=5))):
        report = actions.submit_report(
            obligation=first, period=period, by=supplier[1], quantity="1", narrative="One."
        )
        actions.review_report(report=report, by=officer, decision="accepted", reason="Seen.")
        totals = selectors.buyer_totals(buyer)
        rows = [selectors.contract_progress(c) for c in selectors.buyer_contracts(buyer)]
    # 2 x 4 x £2,500 promised = £20,000; 1 x £2,500 delivered.
    assert (totals.committed_value, totals.delivered_value) == (
        Decimal("20000.00"),
        Decimal("2500.00"),
    )
    assert totals.committed_value == sum(r.committed_value for r in rows)
    assert totals.delivered_value == sum(r.delivered_value for r in rows)


def test_overdue_and_behind_are_flagged(contract, supplier, officer):
    org, user = supplier
    apprenticeships = Obligation.objects.get(contract=contract, number=1)
    period = contract.social_value_periods.get(number=1)
    # While the first period runs nothing is expected yet: on track.
    with clock.frozen_at(at(period.starts_on + timedelta(days=10))):
        rows = {r.obligation.number: r for r in selectors.contract_progress(contract).obligations}
        assert {r.status for r in rows.values()} == {selectors.ON_TRACK}
    # The day after period 1 ends: 6 apprenticeships by the end of year 1 means about 1.5 by
    # the end of the first quarter; none reported yet, so behind (the report is not yet due).
    with clock.frozen_at(at(period.ends_on + timedelta(days=1))):
        actions.submit_report(
            obligation=apprenticeships, period=period, by=user, quantity="0", narrative="None."
        )
        rows = {r.obligation.number: r for r in selectors.contract_progress(contract).obligations}
        assert rows[1].status == selectors.BEHIND
        assert Decimal("1.4") < rows[1].expected < Decimal("1.6")
    # After the report on period 1 was due, obligations without one are overdue.
    with clock.frozen_at(at(period.report_due_on + timedelta(days=1))):
        rows = {r.obligation.number: r for r in selectors.contract_progress(contract).obligations}
        assert rows[2].status == selectors.OVERDUE
        assert [p.number for p in rows[2].overdue_periods] == [1]
        assert rows[1].status == selectors.BEHIND
    # After its due date, an obligation not delivered in full is overdue.
    with clock.frozen_at(at(apprenticeships.due_on + timedelta(days=1))):
        rows = {r.obligation.number: r for r in selectors.contract_progress(contract).obligations}
        assert rows[1].status == selectors.OVERDUE


def test_reports_are_checked(contract, supplier, other_supplier, officer):
    org, user = supplier
    obligation = Obligation.objects.get(contract=contract, number=1)
    period = contract.social_value_periods.get(number=2)
    with clock.frozen_at(at(contract.start_date + timedelta(days=1))):
        with pytest.raises(DomainError) as refused:
            actions.submit_report(
                obligation=obligation, period=period, by=user, quantity="1", narrative="x"
            )
        assert refused.value.code == "period_not_started"
        first = contract.social_value_periods.get(number=1)
        with pytest.raises(PermissionDenied):
            actions.submit_report(
                obligation=obligation,
                period=first,
                by=other_supplier[1],
                quantity="1",
                narrative="x",
            )
        with pytest.raises(PermissionDenied):
            actions.submit_report(
                obligation=obligation, period=first, by=officer, quantity="1", narrative="x"
            )
        with pytest.raises(DomainError):
            actions.submit_report(
                obligation=obligation, period=first, by=user, quantity="-1", narrative="x"
            )
        report = actions.submit_report(
            obligation=obligation, period=first, by=user, quantity="1", narrative="x"
        )
        with pytest.raises(PermissionDenied):
            actions.review_report(report=report, by=user, decision="accepted", reason="mine")


def test_only_the_parties_see_the_contract_page(client, contract, other_supplier, evaluator):
    url = reverse("socialvalue:contract", args=[contract.pk])
    client.force_login(other_supplier[1])
    assert client.get(url).status_code == 404
    other_buyer = testing.buyer_org("Other Council")
    client.force_login(testing.member(other_buyer, Role.BUYER_ADMIN))
    assert client.get(url).status_code == 404
    # The buyer's evaluators may look but not review.
    client.force_login(evaluator)
    assert client.get(url).status_code == 200


def test_a_contract_let_elsewhere_has_no_social_value_page(client, buyer, supplier):
    """A contract let elsewhere has no lot, so no commitments from a bid: its page is not
    found, for its supplier too (it was a server error, reading the lot's tender)."""
    organisation, user = supplier
    today = clock.today_uk()
    contract = testing.contract_let_elsewhere(
        buyer=buyer,
        supplier=organisation,
        start_date=today,
        end_date=today + timedelta(days=365),
    )
    client.force_login(user)
    assert client.get(reverse("socialvalue:contract", args=[contract.pk])).status_code == 404


def test_reminders_before_a_report_is_due_and_for_reports_waiting_for_review(
    contract, supplier, officer, buyer_admin, django_capture_on_commit_callbacks
):
    org, user = supplier
    period = contract.social_value_periods.get(number=1)
    obligation = Obligation.objects.get(contract=contract, number=1)
    with clock.frozen_at(at(period.ends_on - timedelta(days=2))):
        actions.submit_report(
            obligation=obligation, period=period, by=user, quantity="1", narrative="One."
        )
    mail.outbox.clear()
    # Five days before the report is due, and a report has waited more than five days.
    with clock.frozen_at(at(period.report_due_on - timedelta(days=5), 7)):
        with django_capture_on_commit_callbacks(execute=True):
            sent = actions.send_reminders()
        assert sent == {"supplier_reminders": 1, "buyer_reminders": 1}
        subjects = sorted(m.subject for m in mail.outbox)
        assert subjects[0].startswith("1 social value report waiting for your review")
        assert subjects[1].startswith("Social value report due by")
        to_supplier = next(m for m in mail.outbox if m.subject.startswith("Social value report"))
        assert to_supplier.to == [user.email]
        # The volunteering and CO2e obligations are still to report; apprenticeships is sent.
        assert "volunteering" in to_supplier.body and "CO2e" in to_supplier.body
        assert "local care leavers" not in to_supplier.body
        # A second run that day (or the next) sends nothing new.
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            out = StringIO()
            call_command("social_value_reminders", "--now", stdout=out)
        assert "Sent 0 supplier and 0 buyer reminders" in out.getvalue()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("social_value_reminders", stdout=StringIO())
        assert mail.outbox == []


def test_a_contract_without_commitments_has_no_obligations(
    buyer, officer, buyer_admin, evaluator, supplier
):
    tender = social_value_tender(buyer=buyer, by=officer, codes=("G1",))
    bid = bid_with(tender, *supplier, "100000")
    contract = award(
        tender, officer=officer, buyer_admin=buyer_admin, evaluator=evaluator, bids=[bid]
    )
    assert not Obligation.objects.filter(contract=contract).exists()
    assert not Release.objects.filter(tags=["implementation"]).exists()


def test_through_the_api_the_supplier_reports_with_evidence_and_the_buyer_reviews(
    client, contract, supplier, officer
):
    from levelfield.accounts.actions import create_api_token

    org, user = supplier
    # a year's tokens: the reports are made months on
    _, supplier_secret = create_api_token(user=user, name="supplier", lifetime_days=365)
    _, buyer_secret = create_api_token(user=officer, name="buyer", lifetime_days=365)
    as_supplier = {"HTTP_AUTHORIZATION": f"Bearer {supplier_secret}"}
    as_buyer = {"HTTP_AUTHORIZATION": f"Bearer {buyer_secret}"}
    period = contract.social_value_periods.get(number=1)
    with clock.frozen_at(at(period.starts_on + timedelta(days=20))):
        listed = client.get("/api/social-value/supplier/contracts", **as_supplier).json()
        assert listed["count"] == 1
        [row] = listed["items"]
        assert [o["committed"] for o in row["obligations"]] == ["6.00", "200.00", "5.00"]
        url = f"/api/social-value/supplier/contracts/{contract.pk}/obligations/1/reports"
        response = client.post(
            url,
            {
                "period": "1",
                "quantity": "2",
                "narrative": "Two apprentices started.",
                "evidence": [testing.pdf("agreements.pdf"), testing.pdf("register.pdf")],
            },
            **as_supplier,
        )
        assert response.status_code == 201, response.content
        report = DeliveryReport.objects.get(pk=response.json()["id"])
        assert (report.quantity, report.evidence.count()) == (Decimal("2"), 2)
        # A period the contract does not have, or a bad number, is refused and stores nothing.
        for bad in ({"period": "99", "quantity": "1"}, {"period": "1", "quantity": "-1"}):
            response = client.post(
                url.replace("/obligations/1/", "/obligations/2/"),
                {"narrative": "x", **bad},
                **as_supplier,
            )
            assert response.status_code in (400, 422), response.content
        assert DeliveryReport.objects.count() == 1
        # The buyer cannot report; the buyer sees it waiting, and accepts it.
        assert client.post(url, {"period": "1", "quantity": "1", "narrative": "x"}, **as_buyer)
        assert DeliveryReport.objects.count() == 1
        waiting = client.get("/api/social-value/buyer/reports", **as_buyer).json()
        assert [(r["id"], r["obligation"], r["quantity"]) for r in waiting["items"]] == [
            (report.pk, 1, "2.00")
        ]
        response = client.post(
            f"/api/social-value/buyer/reports/{report.pk}/review",
            {"decision": "accepted", "reason": "Agreements seen."},
            content_type="application/json",
            **as_buyer,
        )
        assert response.json()["status"] == "accepted"
        assert client.get("/api/social-value/buyer/reports", **as_buyer).json()["count"] == 0
        # The supplier's list now shows it delivered.
        assert (
            client.get("/api/social-value/supplier/contracts", **as_supplier).json()["items"][0][
                "obligations"
            ][0]["delivered"]
            == "2.00"
        )


# -- the report lifecycle table -----------------------------------------------------------------

REPORT_STATES = ["", *ReportStatus.values]


@pytest.mark.parametrize("current", REPORT_STATES)
@pytest.mark.parametrize("target", ReportStatus.values)
def test_a_report_moves_only_as_its_table_allows(current, target):
    report = DeliveryReport(status=current)
    if target in REPORT_ALLOWED[current]:
        report.transition(target)
        assert report.status == target
    else:
        with pytest.raises(InvalidTransition):
            report.transition(target)
        assert report.status == current
