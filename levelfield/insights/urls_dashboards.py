"""Pages: the public dashboard at /insights/ and a buyer's at /insights/buyer/, each table's
CSV download beside them."""

from django.urls import path

from . import views_dashboards

urlpatterns = [
    path("", views_dashboards.public, name="public"),
    path("download/<slug:name>/", views_dashboards.download, name="download"),
    path("buyer/", views_dashboards.buyer, name="buyer"),
    path("buyer/download/<slug:name>/", views_dashboards.buyer_download, name="buyer_download"),
]
