"""The marketplace's pages for buying (listed in urls.py under the namespace marketplace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
