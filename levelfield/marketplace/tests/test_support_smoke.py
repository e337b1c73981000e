"""The test rows of tests/support/marketplace.py are what the buying side's tests start from:
a live framework's live listing is found as live and indexed for search."""

import pytest

from levelfield.marketplace.models import Listing, ListingVersion
from tests.support import marketplace, testing


@pytest.mark.django_db
def test_a_live_listing_on_a_live_framework_is_live_and_indexed():
    admin = testing.UserFactory(is_superuser=True, is_staff=True)
    supplier, user = testing.supplier_with_user("Bytebridge Ltd")
    framework = marketplace.framework(by=admin)
    application = marketplace.admitted(framework, supplier, by=user, admin=admin)
    lot = framework.lots.get(number=1)
    row = marketplace.listing(application, lot, by=user, name="Managed Kubernetes Hosting")
    assert list(Listing.objects.live()) == [row]
    row.refresh_from_db()
    assert "kubernetes" in row.search_text and "bytebridge" in row.search_text
    assert ListingVersion.objects.get(listing=row).content["name"] == "Managed Kubernetes Hosting"
    draft = marketplace.listing(application, lot, by=user, name="Draft", status="draft")
    assert draft not in Listing.objects.live()
