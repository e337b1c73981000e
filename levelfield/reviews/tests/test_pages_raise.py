"""Raising a concern through the pages: the start page, one question a page, check the answers
with the evidence, the confirmation with its reference; a refusal of the action is shown beside
its field on the page that asked for it; "Your concerns" and the case page show the status and
the time left, and the raiser adds evidence."""

import pytest
from django.urls import reverse

from levelfield.reviews.lifecycle import CaseStatus
from levelfield.reviews.models import Case
from tests.support import testing

pytestmark = pytest.mark.django_db


def _signed_in(client, user):
    client.force_login(user)
    return client


def _raise_about_tender(client, world, *, may_know: str = "no", files=()):
    assert client.post(reverse("reviews:raise_kind"), {"kind": "procurement"}).status_code == 302
    response = client.post(
        reverse("reviews:raise_details"),
        {"tender": world.tender.pk, "description": "The award criteria changed after bids."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("reviews:raise_who"),
        {"buyer_may_know": may_know, "raiser_organisation": world.supplier.pk},
    )
    assert response.status_code == 302
    return client.post(reverse("reviews:raise_check"), {"evidence": list(files)})


def test_the_start_page_says_how_anonymity_works_to_anyone(client):
    response = client.get(reverse("reviews:raise_start"))
    assert response.status_code == 200
    assert "Who will know it was you" in response.content.decode()


def test_a_supplier_raises_an_anonymous_concern_and_sees_its_reference(client, world):
    _signed_in(client, world.raiser)
    client.post(reverse("reviews:raise_kind"), {"kind": "procurement"})
    client.post(
        reverse("reviews:raise_details"),
        {"tender": world.tender.pk, "description": "The award criteria changed after bids."},
    )
    client.post(
        reverse("reviews:raise_who"),
        {"buyer_may_know": "no", "raiser_organisation": world.supplier.pk},
    )
    check = client.get(reverse("reviews:raise_check"))
    page = check.content.decode()
    assert "Check your answers" in page
    assert world.tender.title in page
    assert "No, keep it from the buyer" in page

    response = client.post(
        reverse("reviews:raise_check"), {"evidence": [testing.pdf("pip-notes.pdf")]}
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:raise_done", args=[case.pk])
    done = client.get(response["Location"]).content.decode()
    assert case.reference in done
    assert case.anonymous and case.raised_by == world.raiser
    assert case.raiser_organisation == world.supplier
    assert case.evidence.get().original_name == "pip-notes.pdf"
    # The answers are forgotten once sent: a new concern starts again.
    assert client.get(reverse("reviews:raise_check"))["Location"] == reverse("reviews:raise_kind")


def test_a_procurement_described_by_hand_needs_its_notice_reference(client, world):
    _signed_in(client, world.raiser)
    client.post(reverse("reviews:raise_kind"), {"kind": "procurement"})
    client.post(
        reverse("reviews:raise_details"),
        {
            "procurement_title": "Road gritting",
            "procurement_date": "1/6/2026",
            "authority_name": "Felpersham City Council",
            "description": "They never published the award.",
        },
    )
    client.post(reverse("reviews:raise_who"), {"buyer_may_know": "yes"})

    response = client.post(reverse("reviews:raise_check"))

    # The action refuses; the raiser is taken back to the details, the refusal beside its field.
    assert response["Location"] == reverse("reviews:raise_details")
    details = client.get(reverse("reviews:raise_details"))
    page = details.content.decode()
    assert 'id="id_notice_reference-error"' in page
    assert "notice" in page and "There is a problem" in page
    assert not Case.objects.exists()


def test_an_anonymous_raiser_may_not_name_themselves_in_what_the_buyer_reads(client, world):
    _signed_in(client, world.raiser)
    client.post(reverse("reviews:raise_kind"), {"kind": "subcontract"})
    client.post(
        reverse("reviews:raise_details"),
        {
            "procurement_title": "Ambridge Widgets Ltd's grounds subcontract",
            "prime_contractor_name": "Borchester Land",
            "authority": world.buyer.pk,
            "description": "They pay us late.",
        },
    )
    client.post(
        reverse("reviews:raise_who"),
        {"buyer_may_know": "no", "raiser_organisation": world.supplier.pk},
    )

    response = client.post(reverse("reviews:raise_check"))

    assert response["Location"] == reverse("reviews:raise_details")
    page = client.get(reverse("reviews:raise_details")).content.decode()
    assert 'id="id_procurement_title-error"' in page
    assert not Case.objects.exists()


def test_a_form_error_is_shown_in_the_summary_and_beside_the_field(client, world):
    _signed_in(client, world.raiser)
    response = client.post(reverse("reviews:raise_kind"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Choose what your concern is about" in page


def test_the_raiser_follows_the_case_and_adds_evidence(client, world):
    _signed_in(client, world.raiser)
    _raise_about_tender(client, world)
    case = Case.objects.get()

    listed = client.get(reverse("reviews:raiser_cases")).content.decode()
    assert case.reference in listed and "Not yet accepted" in listed

    added = client.post(
        reverse("reviews:raiser_add_evidence", args=[case.pk]),
        {"evidence": testing.pdf("minutes.pdf")},
    )
    assert added.status_code == 302
    page = client.get(reverse("reviews:raiser_case", args=[case.pk])).content.decode()
    assert "minutes.pdf" in page
    assert CaseStatus(case.status).label in page
    download = client.get(reverse("reviews:raiser_evidence", args=[case.pk, 1]))
    assert download.status_code == 200
    assert f"{case.reference}-evidence-1.pdf" in download["Content-Disposition"]


def test_another_supplier_cannot_read_the_case(client, world):
    _signed_in(client, world.raiser)
    _raise_about_tender(client, world)
    case = Case.objects.get()
    other = testing.member(testing.supplier_org("Borchester Bins"), "supplier_admin")
    client.force_login(other)
    assert client.get(reverse("reviews:raiser_case", args=[case.pk])).status_code == 404
    assert client.get(reverse("reviews:raiser_evidence", args=[case.pk, 1])).status_code == 404
