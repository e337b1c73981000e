"""Pages: the public dashboard at /insights/ and a buyer's at /insights/buyer/, each table's
CSV download beside them, and the buyer's unit costs."""

from django.urls import path

from . import views_dashboards, views_unit_costs

urlpatterns = [
    path("", views_dashboards.public, name="public"),
    path("download/<slug:name>/", views_dashboards.download, name="download"),
    path("buyer/", views_dashboards.buyer, name="buyer"),
    path("buyer/download/<slug:name>/", views_dashboards.buyer_download, name="buyer_download"),
    path("buyer/unit-costs/", views_unit_costs.unit_costs, name="unit_costs"),
    path(
        "buyer/unit-costs/<int:pk>/remove/",
        views_unit_costs.remove_unit_cost,
        name="remove_unit_cost",
    ),
]
