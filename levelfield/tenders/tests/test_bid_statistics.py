"""Bid statistics per tender and lot: bids, SME, VCSE and consortium bids. The buyer sees them
only once the bids are unsealed; they are published (counts only) with the award notice."""

from decimal import Decimal

from django.urls import reverse
from jsonschema.validators import Draft4Validator

from levelfield.bids import ocds as bid_ocds
from levelfield.bids import statistics
from levelfield.contracts import actions as contract_actions
from levelfield.opendata.models import Release
from levelfield.opendata.tests import schema
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import Liability, Size
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import ocds as tender_ocds
from tests.support import testing


def two_lot_tender(buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    lot = tender_actions.add_lot(
        tender=tender, by=officer, title="Night care", estimated_value=Decimal("300000")
    )
    tender_actions.update_lot(lot=lot, by=officer, price_weight=Decimal("40"))
    for kind, weight in (("quality", "50"), ("social_value", "10")):
        tender_actions.add_question(
            lot=lot, by=officer, kind=kind, weight=Decimal(weight), text="Describe it."
        )
    return tender_actions.publish_tender(tender=tender, by=officer)


def test_counts_are_hidden_until_the_deadline_then_shown_per_lot(
    client, buyer, officer, supplier, other_supplier
):
    tender = two_lot_tender(buyer, officer)
    first, second = tender.lots.order_by("number")
    small, small_user = supplier  # a small firm
    vcse, vcse_user = other_supplier  # a small VCSE
    large, large_user = testing.supplier_with_user("Big Care plc", size=Size.LARGE)
    consortium = supplier_actions.create_consortium(
        lead=small,
        by=small_user,
        name="Acorn Care Partnership",
        liability=Liability.JOINT_AND_SEVERAL,
    )
    for org, user, price in ((small, small_user, 100000), (vcse, vcse_user, 95000)):
        testing.submitted_bid(tender=tender, supplier=org, by=user, price=price, lot=first)
    testing.submitted_bid(tender=tender, supplier=large, by=large_user, price=90000, lot=second)
    testing.submitted_bid(
        tender=tender, supplier=consortium.organisation, by=small_user, price=99000, lot=second
    )

    # Sealed: the page shows no counts and the statistics are not read at all.
    client.force_login(officer)
    body = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert 'id="bid-statistics"' not in body
    assert "Bids are sealed until the submission deadline" in body
    assert statistics.for_buyer(tender, buyer) is None
    assert bid_ocds.statistics(tender) == []

    with testing.after_deadline(tender):
        stats = statistics.for_buyer(tender, buyer)
        body = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
        published = bid_ocds.statistics(tender)
    assert stats.total == statistics.BidCounts(bids=4, sme_bids=2, vcse_bids=1, consortium_bids=1)
    by_lot = {row.lot.number: row.counts for row in stats.lots}
    assert by_lot[1] == statistics.BidCounts(bids=2, sme_bids=2, vcse_bids=1, consortium_bids=0)
    assert by_lot[2] == statistics.BidCounts(bids=2, sme_bids=0, vcse_bids=0, consortium_bids=1)
    table = body[body.index('id="bid-statistics"') :]
    table = table[: table.index("</table>")]
    assert "Lot 2: Night care" in table and "From consortia" in table and "All lots" in table
    # Counts only: nobody's name or price.
    for secret in (small.name, vcse.name, large.name, "Acorn Care Partnership", "95,000"):
        assert secret not in table
    measures = {(row.get("relatedLot"), row["measure"]): row["value"] for row in published}
    assert measures[("2", "consortiumBids")] == 1
    assert measures[("1", "smeBids")] == 2 and measures[("1", "vcseBids")] == 1
    assert measures[(None, "bids")] == 4 and measures[(None, "smeBids")] == 2


def test_another_buyer_never_counts_these_bids(buyer, officer, supplier):
    tender = testing.published_tender(buyer=buyer, by=officer)
    org, user = supplier
    testing.submitted_bid(tender=tender, supplier=org, by=user, price=1000)
    other = testing.buyer_org("Other Council")
    with testing.after_deadline(tender):
        assert statistics.for_buyer(tender, other).total.bids == 0
        assert statistics.for_buyer(tender, buyer).total.bids == 1


def test_the_counts_are_published_with_the_award_notice_and_on_the_public_page(
    client, buyer, officer, buyer_admin, evaluator, supplier, other_supplier
):
    tender = two_lot_tender(buyer, officer)
    first, second = tender.lots.order_by("number")
    small, small_user = supplier
    vcse, vcse_user = other_supplier
    consortium = supplier_actions.create_consortium(
        lead=small,
        by=small_user,
        name="Acorn Care Partnership",
        liability=Liability.JOINT_AND_SEVERAL,
    )
    bids = [
        testing.submitted_bid(tender=tender, supplier=small, by=small_user, price=100000),
        testing.submitted_bid(tender=tender, supplier=vcse, by=vcse_user, price=95000),
        testing.submitted_bid(
            tender=tender, supplier=consortium.organisation, by=small_user, price=99000, lot=second
        ),
    ]
    page = reverse("public:opportunity", args=[tender.reference])
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid.pk, number): 75 for bid in bids for number in (1, 2)},
        )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
        # Decided but not announced: the counts are not public yet.
        assert "Bids received" not in client.get(page).content.decode()
        contract_actions.publish_award_notice(tender=tender, by=officer)
        body = client.get(page).content.decode()

    (award,) = [
        r.data for r in Release.objects.filter(ocid=tender_ocds.ocid(tender)) if "award" in r.tags
    ]
    published = {
        (row.get("relatedLot"), row["measure"]): row["value"] for row in award["bids"]["statistics"]
    }
    assert published == {
        ("1", "bids"): 2,
        ("1", "smeBids"): 2,
        ("1", "vcseBids"): 1,
        ("1", "consortiumBids"): 0,
        ("2", "bids"): 1,
        ("2", "smeBids"): 0,
        ("2", "vcseBids"): 0,
        ("2", "consortiumBids"): 1,
        # The whole tender: no relatedLot.
        (None, "bids"): 3,
        (None, "smeBids"): 2,
        (None, "vcseBids"): 1,
        (None, "consortiumBids"): 1,
    }
    assert len({row["id"] for row in award["bids"]["statistics"]}) == 12
    validator = Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(award)] == []

    table = body[body.index("Bids received") :]
    table = table[: table.index("</table>")]
    assert "Lot 1: " in table and "Lot 2: Night care" in table and "All lots" in table
    for secret in (small.name, vcse.name, "Acorn Care Partnership", "95,000"):
        assert secret not in table

    # The small firm grows past the SME limits after the award: its bid still counts as an
    # SME's, on the page as in the award notice, as when it bid.
    supplier_actions.update_profile(
        profile=small.supplier_profile,
        by=small_user,
        legal_name=small.name,
        staff_headcount=400,
        annual_turnover=Decimal("60000000"),
        region="UKK",
    )
    small.supplier_profile.refresh_from_db()
    assert small.supplier_profile.size == Size.LARGE
    with testing.after_deadline(tender):
        assert statistics.published(tender).total.sme_bids == 2
        later = client.get(page).content.decode()
    later = later[later.index("Bids received") :]
    assert later[: later.index("</table>")] == table
