"""Social value pages, mounted at /social-value/."""

from django.urls import path

from . import views

app_name = "socialvalue"
urlpatterns = [
    path("", views.home, name="home"),
    # The buyer
    path("buyer/", views.portfolio, name="portfolio"),
    path("buyer/frameworks/", views.frameworks, name="frameworks"),
    path("buyer/frameworks/<int:framework_id>/", views.framework, name="framework"),
    path("buyer/tenders/<int:pk>/lots/<int:lot_id>/", views.lot_page, name="lot"),
    path("buyer/tenders/<int:pk>/lots/<int:lot_id>/outcomes/", views.outcomes, name="outcomes"),
    path("buyer/tenders/<int:pk>/lots/<int:lot_id>/questions/", views.propose, name="propose"),
    # A contract, for its buyer and its supplier
    path("contracts/<int:contract_id>/", views.contract, name="contract"),
    path(
        "contracts/<int:contract_id>/obligations/<int:obligation_id>/report/",
        views.report_add,
        name="report_add",
    ),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    # The supplier
    path("supplier/", views.supplier_home, name="supplier_home"),
    path("supplier/bids/<int:bid_id>/commitments/", views.commitments, name="commitments"),
    path(
        "supplier/bids/<int:bid_id>/commitments/value/",
        views.commitment_value,
        name="commitment_value",
    ),
    path(
        "supplier/bids/<int:bid_id>/commitments/<int:commitment_id>/",
        views.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "supplier/bids/<int:bid_id>/commitments/<int:commitment_id>/remove/",
        views.commitment_remove,
        name="commitment_remove",
    ),
]
