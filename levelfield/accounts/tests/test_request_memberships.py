"""A signed-in request reads the person's memberships once (OrganisationMiddleware): the role
checks and the two-factor requirement asked later in the same request use them rather than
reading the membership table again, and still decide as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.accounts.models import Role
from tests.support.testing import buyer_org, member, supplier_org

pytestmark = pytest.mark.django_db


def _membership_reads(client, path) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    # Reads of the membership table itself (not the subqueries other reads filter by).
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split(" FROM ", 1)[-1].startswith('"accounts_membership"')
    ]
    return response.status_code, len(reads)


def test_a_buyer_officers_page_reads_the_memberships_once(client, settings):
    settings.LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS = True
    council = buyer_org()
    officer = member(council, Role.BUYER_OFFICER)
    client.force_login(officer)
    # The catalogue search asks whether the officer may read it and may save into a project.
    status, reads = _membership_reads(client, reverse("marketplace:search"))
    assert status == 200
    assert reads == 1


def test_roles_in_two_organisations_are_each_their_own(client):
    council = buyer_org()
    officer = member(council, Role.BUYER_OFFICER)
    supplier = supplier_org(name="Tarrant Digital")
    officer.memberships.create(organisation=supplier, role=Role.SUPPLIER_MEMBER)
    client.force_login(officer)
    # Acting for the council (the first membership): a buyer's page is theirs.
    assert client.get(reverse("marketplace:search")).status_code == 200
    # Acting for the supplier, chosen in the session: the supplier's role, not the council's.
    client.post(reverse("accounts:switch", args=[supplier.pk]))
    response = client.get(reverse("marketplace:search"))
    assert response.status_code == 404  # the search is the buying side's


def test_a_buyer_admin_without_two_factor_is_still_sent_to_set_it_up(client, settings):
    settings.LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS = True
    council = buyer_org()
    admin = member(council, Role.BUYER_ADMIN)
    client.force_login(admin)
    response = client.get(reverse("marketplace:search"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    # An admin of a supplier who is also a council's admin elsewhere is asked too.
    other = supplier_org(name="Kennet Care")
    supplier_admin = member(other, Role.SUPPLIER_ADMIN)
    client.force_login(supplier_admin)
    assert client.get(reverse("marketplace:search")).status_code == 404
    supplier_admin.memberships.create(organisation=council, role=Role.BUYER_ADMIN)
    response = client.get(reverse("marketplace:search"))
    assert response.status_code == 302


def test_reads_of_a_persons_organisations_see_the_one_acted_for_in_a_request():
    """acting_memberships: every membership outside a request (a task, a command); in one, only
    the organisation acted for (act_for), so a person on two organisations' staff gets nothing
    of one while acting for the other; none for someone who acts for none."""
    from levelfield.accounts.models import Membership
    from levelfield.accounts.rules import act_for, acting_memberships

    council, supplier = buyer_org(), supplier_org()
    person = member(supplier, Role.SUPPLIER_ADMIN)
    Membership.objects.create(user=person, organisation=council, role=Role.BUYER_OFFICER)

    def organisations():
        return set(acting_memberships(person).values_list("organisation", flat=True))

    assert organisations() == {council.pk, supplier.pk}
    act_for(person, supplier)
    assert organisations() == {supplier.pk}
    act_for(person, council)
    assert organisations() == {council.pk}
    act_for(person, None)
    assert organisations() == set()


def test_the_organisation_acted_for_is_noted_on_the_person_behind_the_requests_lazy_user():
    from django.utils.functional import SimpleLazyObject

    from levelfield.accounts.rules import act_for, acting_memberships

    council, supplier = buyer_org(), supplier_org()
    person = member(supplier, Role.SUPPLIER_ADMIN)
    lazy = SimpleLazyObject(lambda: person)
    act_for(lazy, council)
    assert not acting_memberships(person).exists()
    assert not acting_memberships(lazy).exists()
