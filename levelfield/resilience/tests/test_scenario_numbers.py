"""A new failure scenario reads a supplier's number as an id (core.numbers.read_id), in the
search (?q=GB-LEVELFIELD-12), in ?supplier= and in the boxes ticked: anything that is not ASCII
digits up to the largest id finds no supplier, ticks none and is refused with the form's
message. str.isdigit took "²" (int() refused it: a server error) and read the supplier's number
in Arabic-Indic digits as that supplier."""

import pytest
from django.urls import reverse

from tests.support import testing

pytestmark = pytest.mark.django_db

VALID = "valid"
IN_ARABIC_INDIC = "the supplier's number in Arabic-Indic digits"


def typed(number: str, organisation) -> str:
    if number == VALID:
        return str(organisation.pk)
    if number == IN_ARABIC_INDIC:
        return "".join(chr(0x660 + int(digit)) for digit in str(organisation.pk))
    return number


@pytest.mark.parametrize(
    "number",
    ["²", IN_ARABIC_INDIC, "-1", "0x1", "9" * 5000, "9" * 20, "0", VALID],
    ids=["superscript-2", "arabic-indic", "minus-1", "hex", "5000-digits", "20-digits", "0", VALID],
)
def test_a_supplier_is_found_and_ticked_by_its_number_as_an_id(client, number):
    client.force_login(testing.resilience_team_member())
    albion, _ = testing.supplier_with_user("Albion Care Ltd")
    text = typed(number, albion)
    page = reverse("resilience:scenario_new")

    by_identifier = client.get(page, {"q": f"GB-LEVELFIELD-{text}"})
    by_number = client.get(page, {"q": text})
    named = client.get(page, {"supplier": text})
    saved = client.post(
        page, {"action": "save", "name": "Albion fails", "suppliers": [text], "as_of": "15/1/2027"}
    )

    for response in (by_identifier, by_number, named):
        assert response.status_code == 200
    if number == VALID:
        assert by_identifier.context["found"] == by_number.context["found"] == [albion]
        assert [pk for pk, _ in named.context["form"].fields["suppliers"].choices] == [albion.pk]
        assert named.context["form"].initial["suppliers"] == [albion.pk]
        assert saved.status_code == 302
        return
    assert by_identifier.context["found"] == by_number.context["found"] == []
    assert "No supplier's name contains" in by_identifier.content.decode()
    assert named.context["form"].fields["suppliers"].choices == []  # nothing offered to tick
    assert saved.status_code == 200
    assert saved.context["form"].errors["suppliers"] == [
        "Search for the supplier again and tick it"
    ]
