"""A supplier's listing pages: list a service on a lot, see every problem on the check page,
submit, change the live listing as a new version (history shows what changed), add and remove
documents; the public page of a live service; other suppliers and members kept out."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.marketplace.forms_listings import ListingForm
from levelfield.marketplace.lifecycle import FrameworkStatus, ListingStatus
from levelfield.marketplace.models import Listing, ListingDocument
from tests.support import testing

from .listings_builders import certificate, draft, live, supplier

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Managed Kubernetes Hosting",
    "summary": "Clusters run for you",
    "features": "Autoscaling\nUK data centres",
    "benefits": "Nothing to run yourself",
    "category": "Compute",
    "price": "£120",
    "price_unit": "per cluster per month",
    "certifications": ["cyber_essentials"],
}


def test_a_supplier_lists_a_service_checks_it_and_it_goes_live(client):
    who = supplier()
    client.force_login(who.admin)
    choose = client.get(reverse("marketplace:listing_create"))
    assert "Cloud hosting" in choose.content.decode()
    url = reverse("marketplace:listing_create") + f"?lot={who.lot().pk}"
    response = client.post(url, {"name": "Hosting"})
    listing = Listing.objects.get()
    assert response.status_code == 302
    check = client.get(reverse("marketplace:listing_check", args=[listing.pk]))
    page = check.content.decode()
    assert "There are 3 problems" in page
    assert "Price: Enter the price" in page and "Submit the listing" not in page
    certificate(who.organisation)
    client.post(reverse("marketplace:listing_edit", args=[listing.pk]), FORM)
    listing.refresh_from_db()
    assert listing.features == ["Autoscaling", "UK data centres"]
    assert str(listing.price) == "120.00"
    response = client.post(reverse("marketplace:listing_check", args=[listing.pk]))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE
    public = client.get(reverse("marketplace:service", args=[listing.pk])).content.decode()
    assert "Managed Kubernetes Hosting" in public and "£120" in public
    assert "Cyber Essentials" in public and "Small" in public


def test_the_form_shows_each_problem_beside_its_field(client):
    who = supplier()
    client.force_login(who.admin)
    url = reverse("marketplace:listing_create") + f"?lot={who.lot().pk}"
    response = client.post(url, {"name": "", "category": "", "price": "ten", "features": "x" * 121})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "price", "features"}
    assert "There is a problem" in response.content.decode()
    assert not Listing.objects.exists()


def test_changing_a_live_listing_needs_a_note_and_shows_in_its_history(client):
    who = supplier()
    listing = live(who)
    client.force_login(who.admin)
    url = reverse("marketplace:listing_edit", args=[listing.pk])
    initial = ListingForm.initial_from(listing)
    data = {**{k: v for k, v in initial.items() if v is not None}, "price": "99", "change_note": ""}
    response = client.post(url, data)
    assert response.context["form"].errors["change_note"]
    client.post(url, {**data, "change_note": "Cheaper from April"})
    history = client.get(reverse("marketplace:listing_versions", args=[listing.pk]))
    page = history.content.decode()
    assert "Version 2 (current)" in page and "Cheaper from April" in page
    assert "What changed:</strong> Price</p>" in page
    assert "£120" in page  # version 1 as it was


def test_a_listing_submitted_before_the_framework_is_live_waits(client):
    who = supplier(status=FrameworkStatus.STANDSTILL)
    listing = live(who)
    assert listing.status == ListingStatus.SUBMITTED
    assert client.get(reverse("marketplace:service", args=[listing.pk])).status_code == 404
    client.force_login(who.member)
    page = client.get(reverse("marketplace:listing_detail", args=[listing.pk])).content.decode()
    assert "It goes live when Cloud services does." in page


def test_documents_are_added_refused_removed_and_kept(client):
    who = supplier()
    listing = live(who)
    client.force_login(who.admin)
    url = reverse("marketplace:listing_documents", args=[listing.pk])
    client.post(url, {"title": "Service definition", "upload": testing.pdf("def.pdf")})
    document = ListingDocument.objects.get()
    refused = client.post(url, {"title": "", "upload": testing.pdf("x.exe", b"MZ")})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert ListingDocument.objects.count() == 1
    public = reverse("marketplace:service_document", args=[listing.pk, document.pk])
    assert client.get(public).status_code == 200
    client.post(reverse("marketplace:listing_document_remove", args=[listing.pk, document.pk]))
    document.refresh_from_db()
    assert document.removed_at is not None
    assert client.get(public).status_code == 404
    own = reverse("marketplace:listing_document", args=[listing.pk, document.pk])
    assert client.get(own).status_code == 200  # kept for the supplier
    assert "Removed" in client.get(url).content.decode()


def test_another_supplier_cannot_see_a_draft_and_a_member_cannot_change_it(client):
    who, other = supplier(), supplier("Other Ltd")
    listing = draft(who)
    client.force_login(other.admin)
    for name in ("listing_detail", "listing_edit", "listing_check", "listing_versions"):
        assert client.get(reverse(f"marketplace:{name}", args=[listing.pk])).status_code == 404
    assert client.get(reverse("marketplace:service", args=[listing.pk])).status_code == 404
    assert (
        "Managed Kubernetes"
        not in client.get(reverse("marketplace:supplier_listings")).content.decode()
    )
    client.force_login(who.member)
    assert client.get(reverse("marketplace:listing_detail", args=[listing.pk])).status_code == 200
    assert client.get(reverse("marketplace:listing_edit", args=[listing.pk])).status_code == 403
    response = client.post(reverse("marketplace:listing_check", args=[listing.pk]))
    assert response.status_code == 403
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DRAFT


def test_the_list_shows_status_and_version_and_an_empty_state(client):
    who = supplier()
    live(who, name="Hosting A")
    draft(who, name="Hosting B")
    client.force_login(who.admin)
    page = client.get(reverse("marketplace:supplier_listings")).content.decode()
    assert "2 listings" in page and "Not submitted" in page and "Live" in page
    organisation, admin = testing.supplier_with_user("Empty Ltd")
    client.force_login(admin)
    page = client.get(reverse("marketplace:supplier_listings")).content.decode()
    assert "no service listings yet" in page and "apply to a framework" in page


def test_withdrawing_takes_it_off_the_catalogue(client):
    who = supplier()
    listing = live(who)
    client.force_login(who.admin)
    client.post(reverse("marketplace:listing_withdraw", args=[listing.pk]), {"reason": "Old"})
    listing.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN
    assert client.get(reverse("marketplace:service", args=[listing.pk])).status_code == 404


def test_the_list_takes_as_many_queries_for_many_listings_as_for_one(client):
    who = supplier()
    live(who, name="Hosting A")
    client.force_login(who.admin)
    url = reverse("marketplace:supplier_listings")
    client.get(url)  # the session and the like, read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for number in range(5):
        draft(who, name=f"Hosting {number}")
    assert queries() == one
