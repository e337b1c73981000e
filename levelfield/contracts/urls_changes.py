"""A contract's changes (s.74-s.76) and its end (s.80): the buyer's pages."""

from django.urls import path

from . import views_changes

urlpatterns = [
    path("buyer/contracts/<int:pk>/changes/", views_changes.change_list, name="changes"),
    path(
        "buyer/contracts/<int:pk>/changes/record/",
        views_changes.record_change,
        name="record_change",
    ),
    path(
        "buyer/contracts/<int:pk>/options/<int:option_id>/use/",
        views_changes.record_change,
        name="use_option",
    ),
    path(
        "buyer/contracts/<int:pk>/changes/<int:number>/make/",
        views_changes.make_change,
        name="make_change",
    ),
    path("buyer/contracts/<int:pk>/terminate/", views_changes.terminate, name="terminate"),
    path("buyer/contracts/<int:pk>/complete/", views_changes.complete, name="complete"),
]
