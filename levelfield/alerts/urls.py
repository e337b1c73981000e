"""Saved searches and their email alerts, mounted at /alerts/."""

from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.saved_searches, name="list"),
    path("save/", views.save, name="save"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
