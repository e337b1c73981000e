"""A levelfield identifier's number is read as an id (core.numbers.read_id): anything after
GB-LEVELFIELD- that is not ASCII digits up to the largest id is no registered supplier, as an
unknown number is. str.isdigit took "²" (int() refused it: a server error on the page and in
the API), 5,000 digits (refused by int() too) and 20 digits (past what the database compares:
a server error), and read "GB-LEVELFIELD-" with the supplier's number in Arabic-Indic digits as
that supplier."""

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.suppliers import actions
from levelfield.suppliers.models import Liability
from tests.support import testing

pytestmark = pytest.mark.django_db

UNKNOWN = "No registered supplier has that levelfield identifier or Companies House number"
VALID = "valid"
IN_ARABIC_INDIC = "the supplier's number in Arabic-Indic digits"
NUMBERS = pytest.mark.parametrize(
    "number",
    ["²", IN_ARABIC_INDIC, "-1", "0x1", "9" * 5000, "9" * 20, "0", VALID],
    ids=["superscript-2", "arabic-indic", "minus-1", "hex", "5000-digits", "20-digits", "0", VALID],
)


def identifier(number: str, organisation) -> str:
    if number == VALID:
        return organisation.supplier_profile.platform_identifier
    if number == IN_ARABIC_INDIC:
        number = "".join(chr(0x660 + int(digit)) for digit in str(organisation.pk))
    return f"GB-LEVELFIELD-{number}"


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@NUMBERS
def test_inviting_a_consortium_member_by_its_identifier(client, number):
    lead, lead_admin = testing.supplier_with_user("Wessex Community Care Trust", is_vcse=True)
    invited, _ = testing.supplier_with_user("Three Rivers Care CIC", is_vcse=True)
    another, _ = testing.supplier_with_user("Kennet Home Care Ltd")
    consortium = actions.create_consortium(
        lead=lead,
        by=lead_admin,
        name="Wessex Care Partnership",
        liability=Liability.JOINT_AND_SEVERAL,
    )
    typed = identifier(number, invited)
    client.force_login(lead_admin)
    page = client.post(
        reverse("suppliers:consortium_invite", args=[consortium.pk]),
        {"identifier": typed, "role": "member"},
    )
    api = client.post(
        f"/api/supplier/consortia/{consortium.pk}/members",
        {"identifier": identifier(number, another), "role": "member"},
        content_type="application/json",
        **bearer(lead_admin),
    )
    if number == VALID:
        assert page.status_code == 302
        assert api.status_code == 201, api.content
        assert consortium.members.filter(organisation__in=[invited, another]).count() == 2
        return
    assert page.status_code == 200
    if len(typed) <= 40:  # the form's longest identifier
        assert UNKNOWN in page.content.decode()
    assert api.status_code == 400, api.content
    assert api.json()["message"] == UNKNOWN
    assert not consortium.members.exclude(organisation=lead).exists()


@NUMBERS
def test_declaring_a_subcontractor_by_its_identifier(client, tender, supplier, number):
    org, user = supplier
    subcontractor, _ = testing.supplier_with_user("Shaston Community Transport")
    client.force_login(user)
    client.post(reverse("bids:start", args=[tender.lots.get().pk]))
    bid = org.bids.get()
    typed = identifier(number, subcontractor)
    fields = {"identifier": typed, "share_percent": "10", "description": "Transport."}
    page = client.post(reverse("suppliers:subcontractors", args=[bid.pk]), fields)
    if number == VALID:
        assert page.status_code == 302
        assert bid.subcontractors.get().organisation == subcontractor
        return
    assert page.status_code == 200
    if len(typed) <= 40:  # the form's longest identifier
        assert "No registered supplier has that" in page.content.decode()
    api = client.post(
        f"/api/supplier/bids/{bid.pk}/subcontractors",
        fields,
        content_type="application/json",
        **bearer(user),
    )
    assert api.status_code == 400, api.content
    assert api.json()["message"] == UNKNOWN
    assert not bid.subcontractors.exists()
