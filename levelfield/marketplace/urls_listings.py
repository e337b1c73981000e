"""The marketplace's pages for listings (listed in urls.py under the namespace marketplace): a
supplier's own listings, and a live service's public page (`service`, which the catalogue
search links to)."""

from django.urls import path

from . import views_listings as views

urlpatterns: list = [
    # A supplier
    path("listings/", views.supplier_listings, name="supplier_listings"),
    path("listings/new/", views.listing_create, name="listing_create"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/edit/", views.listing_edit, name="listing_edit"),
    path("listings/<int:pk>/check/", views.listing_check, name="listing_check"),
    path("listings/<int:pk>/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("listings/<int:pk>/versions/", views.listing_versions, name="listing_versions"),
    path("listings/<int:pk>/documents/", views.listing_documents, name="listing_documents"),
    path(
        "listings/<int:pk>/documents/<int:document_id>/",
        views.listing_document,
        name="listing_document",
    ),
    path(
        "listings/<int:pk>/documents/<int:document_id>/remove/",
        views.listing_document_remove,
        name="listing_document_remove",
    ),
    # Anyone
    path("services/<int:pk>/", views.service, name="service"),
    path(
        "services/<int:pk>/documents/<int:document_id>/",
        views.service_document,
        name="service_document",
    ),
]
