"""The conflict of interest declaration lists the organisations that bid, by name only, once the
deadline has passed: what an evaluator declares about, without unsealing anything."""

from django.urls import reverse

from tests.support import testing


def test_the_declaration_page_names_the_bidders_after_the_deadline(client, tender, bids, evaluator):
    url = reverse("evaluation:declare", args=[tender.pk])
    client.force_login(evaluator)
    before = client.get(url).content.decode()
    assert "The organisations that bid are listed here once the submission deadline" in before
    assert "Acorn Care Ltd" not in before and "Beech Homecare CIC" not in before

    with testing.after_deadline(tender):
        page = client.get(url).content.decode()
    assert "Declare any interest you have in these organisations" in page
    assert "<li>Acorn Care Ltd</li><li>Beech Homecare CIC</li>" in page
    # Names only: neither price is shown.
    assert "100,000" not in page and "80,000" not in page
