"""The review service's lists: a page at a time, with a fixed number of queries whatever the
number of cases (the team's cases, the raiser's, the published outcomes), their empty states,
and the public filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.reviews import actions
from levelfield.reviews.models import Case, CaseKind

pytestmark = pytest.mark.django_db


def _raise(world, n: int) -> list[Case]:
    return [
        actions.raise_case(
            by=world.raiser,
            kind=CaseKind.PROCUREMENT,
            description=f"Concern {i}.",
            raiser_organisation=world.supplier,
            tender=world.tender,
        )
        for i in range(n)
    ]


def _published(world, cases: list[Case]) -> None:
    for case in cases:
        actions.accept_case(case=case, by=world.manager)
        actions.close_case(case=case, by=world.manager, outcome="resolved", summary="Done.")
        actions.publish_outcome(case=case, by=world.manager, public_summary="Done in public.")


def test_empty_lists_say_so(client, world):
    client.force_login(world.reviewer)
    assert "No case has been raised" in client.get(reverse("reviews:team_cases")).content.decode()
    client.force_login(world.raiser)
    assert (
        "You have not raised a concern"
        in client.get(reverse("reviews:raiser_cases")).content.decode()
    )
    client.force_login(world.officer)
    assert (
        "has not asked your organisation"
        in client.get(reverse("reviews:respondent_cases")).content.decode()
    )
    client.logout()
    assert (
        "No outcome has been published yet"
        in client.get(reverse("reviews:published_cases")).content.decode()
    )


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("reviewer", "reviews:team_cases"),
        ("raiser", "reviews:raiser_cases"),
        (None, "reviews:published_cases"),
    ],
)
def test_a_list_costs_the_same_queries_for_3_cases_as_for_25(client, world, who, name):
    def queries() -> int:
        if who:
            client.force_login(getattr(world, who))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    few = _raise(world, 3)
    _published(world, few)
    with_few = queries()
    more = _raise(world, 22)
    _published(world, more)
    with_more = queries()
    assert with_more <= with_few
    page = client.get(reverse(name)).content.decode()
    assert "Next" in page  # 25 cases: two pages of 20


def test_the_public_filters_by_authority_and_year(client, world):
    cases = _raise(world, 2)
    _published(world, cases)
    listed = client.get(reverse("reviews:published_cases"), {"authority": world.buyer.name})
    assert all(c.reference in listed.content.decode() for c in cases)
    other = client.get(reverse("reviews:published_cases"), {"year": "1999"})
    assert other.status_code == 400  # not a year with cases: the error summary
    assert "There is a problem" in other.content.decode()
