"""Sealed bids: before the submission deadline no buyer user, whatever the role, sees anything of
a bid (price, answers, attachments, or who bid) through any page, API endpoint, admin or export.

Table-driven: every role x every place that could show a bid. The same table, after the
deadline, shows the bid to those entitled, proving the markers would be caught."""

from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role, User
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid
from tests.support import testing

pytestmark = pytest.mark.django_db

SUPPLIER_NAME = "Zebedee Sealed Supplies Ltd"
PRICE = Decimal("87654.32")
ANSWER = "SEALED-ANSWER-7f3a our method statement"
ATTACHMENT = "SEALED-ATTACHMENT-c91e pricing schedule"
MARKERS = (SUPPLIER_NAME, "87654.32", "87,654.32", "87654", ANSWER, ATTACHMENT)

ROLES = (Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR)

# Pages and exports a buyer could open. Each is (name, function of (tender, bid, question)).
PAGES = (
    ("buyer dashboard", lambda t, b, q: reverse("tenders:dashboard")),
    ("tender detail", lambda t, b, q: reverse("tenders:detail", args=[t.pk])),
    ("clarifications", lambda t, b, q: reverse("tenders:clarifications", args=[t.pk])),
    ("evaluation overview", lambda t, b, q: reverse("evaluation:overview", args=[t.pk])),
    ("evaluator assignment", lambda t, b, q: reverse("evaluation:assign", args=[t.pk])),
    ("scoring", lambda t, b, q: reverse("evaluation:score", args=[t.pk, b.pk, q.pk])),
    ("moderation", lambda t, b, q: reverse("evaluation:moderate", args=[t.pk, b.pk, q.pk])),
    ("evaluation report", lambda t, b, q: reverse("evaluation:report", args=[t.pk])),
    ("evaluation CSV export", lambda t, b, q: reverse("evaluation:report_csv", args=[t.pk])),
    ("award", lambda t, b, q: reverse("contracts:award", args=[t.pk])),
    ("supplier's bid page", lambda t, b, q: reverse("bids:edit", args=[b.lot_id])),
    ("supplier's receipt", lambda t, b, q: reverse("bids:receipt", args=[b.pk])),
    ("public opportunity", lambda t, b, q: reverse("public:opportunity", args=[t.reference])),
    ("API tender", lambda t, b, q: f"/api/buyer/tenders/{t.pk}"),
    ("API bids", lambda t, b, q: f"/api/buyer/tenders/{t.pk}/bids"),
    ("API evaluation", lambda t, b, q: f"/api/buyer/tenders/{t.pk}/evaluation"),
    ("API supplier bid", lambda t, b, q: f"/api/supplier/bids/{b.pk}"),
    ("API opportunity", lambda t, b, q: f"/api/opportunities/{t.reference}"),
)


@pytest.fixture
def sealed(buyer, officer):
    tender = testing.published_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    question = lot.questions.first()
    organisation, user = testing.supplier_with_user(SUPPLIER_NAME)
    bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
    bid_actions.save_bid(
        bid=bid, by=user, price=PRICE, answers={q.pk: ANSWER for q in lot.questions.all()}
    )
    bid_actions.add_attachment(bid=bid, by=user, title=ATTACHMENT, upload=testing.pdf())
    bid_actions.submit_bid(bid=bid, by=user)
    staff = {role: testing.member(buyer, role) for role in ROLES}
    # Evaluators assigned and declared, as early as the process allows: still nothing shows.
    from levelfield.evaluation import actions as evaluation_actions

    for user_ in staff.values():
        evaluation_actions.assign_evaluator(question=question, evaluator=user_, by=officer)
    evaluation_actions.declare_conflict(tender=tender, by=staff[Role.EVALUATOR], has_conflict=False)
    return tender, Bid.objects.get(pk=bid.pk), question, staff


def _fetch(client, user: User, url: str, api_secret: str):
    if url.startswith("/api/"):
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {api_secret}")
    client.force_login(user)
    return client.get(url)


def _leaks(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    return [marker for marker in MARKERS if marker in text]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place,url_for", PAGES, ids=[p[0] for p in PAGES])
def test_before_the_deadline_no_buyer_role_sees_anything_of_a_bid(
    client, sealed, role, place, url_for
):
    tender, bid, question, staff = sealed
    user = staff[role]
    _, secret = create_api_token(user=user, name="test")
    response = _fetch(client, user, url_for(tender, bid, question), secret)
    assert response.status_code < 500, f"{place} failed for {role}"
    assert _leaks(response) == [], (
        f"{place} shows {_leaks(response)} to a {role} before the deadline"
    )


def test_before_the_deadline_the_admin_shows_nothing_of_a_bid_even_to_a_platform_admin(
    client, sealed
):
    tender, bid, _, _ = sealed
    admin = User.objects.create_superuser(
        "root@levelfield.example", "platform-admin-pass-1", full_name="Platform Admin"
    )
    client.force_login(admin)
    for url in (
        reverse("admin:bids_bid_changelist"),
        reverse("admin:bids_bidattachment_changelist"),
        reverse("admin:core_auditevent_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert _leaks(response) == [], url
    assert client.get(reverse("admin:bids_bid_change", args=[bid.pk])).status_code in {302, 404}


def test_after_the_deadline_the_same_places_show_the_bid_to_those_entitled(client, sealed):
    """The control: the markers are really there once bids are opened, so the table above
    would catch a leak."""
    tender, bid, question, staff = sealed
    officer = staff[Role.BUYER_OFFICER]
    _, secret = create_api_token(user=officer, name="test")
    with testing.after_deadline(tender):
        from levelfield.tenders import actions as tender_actions

        tender_actions.open_evaluation(tender=tender, by=officer)
        seen = {}
        for place in ("evaluation report", "evaluation CSV export", "API bids", "moderation"):
            url_for = dict(PAGES)[place]
            seen[place] = _leaks(_fetch(client, officer, url_for(tender, bid, question), secret))
    assert all(seen.values()), seen
    assert SUPPLIER_NAME in seen["evaluation report"]
