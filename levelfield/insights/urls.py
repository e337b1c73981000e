"""The insights' pages, a module of routes per concern, under one namespace."""

from django.urls import include, path

from . import urls_dashboards, urls_spend

app_name = "insights"
urlpatterns = [
    path("", include(urls_dashboards.urlpatterns)),
    path("spend/", include(urls_spend.urlpatterns)),
]
