"""Pages: spend files imported and the supplier names left to resolve (platform admins)."""

from django.urls import path

from . import views_spend

urlpatterns = [
    path("files/", views_spend.files, name="spend_files"),
    path("unmatched/", views_spend.unmatched, name="spend_unmatched"),
    path("unmatched/resolve/", views_spend.resolve, name="spend_resolve"),
]
