from django.contrib import admin
from django.urls import include, path

from .api import api
from .core import health

urlpatterns = [
    # for load balancers and monitoring: anyone may ask, nothing is throttled (core/health.py)
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("levelfield.tenders.urls_public")),
    path("account/", include("levelfield.accounts.urls")),
    path("buyer/", include("levelfield.tenders.urls")),
    path("buyer/", include("levelfield.evaluation.urls")),
    path("", include("levelfield.contracts.urls")),
    path("supplier/profile/", include("levelfield.suppliers.urls")),
    path("supplier/", include("levelfield.bids.urls")),
    path("correspondence/", include("levelfield.correspondence.urls")),
    path("open-data/", include("levelfield.opendata.urls")),
    path("social-value/", include("levelfield.socialvalue.urls")),
    path("alerts/", include("levelfield.alerts.urls")),
    path("", include("levelfield.resilience.urls")),
    path("insights/", include("levelfield.insights.urls")),
    path("reviews/", include("levelfield.reviews.urls")),
    path("marketplace/", include("levelfield.marketplace.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

handler400 = "levelfield.core.error_views.bad_request"
handler404 = "levelfield.core.error_views.page_not_found"
handler500 = "levelfield.core.error_views.server_error"
