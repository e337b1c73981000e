"""The resilience app's pages, one module of routes per concern, under one namespace:
the supplier's own living will under /supplier/living-will/, the resilience team's pages
(living wills read, financial standing, failure scenarios, concentration risk) and the
platform admin's (the team role, strategic marks) under /resilience/."""

from django.urls import include, path

from . import urls_financial, urls_platform, urls_scenarios, urls_team, urls_wills

app_name = "resilience"
urlpatterns = [
    path("supplier/living-will/", include(urls_wills.supplier_patterns)),
    path("resilience/", include(urls_team.urlpatterns)),
    path("resilience/living-wills/", include(urls_wills.urlpatterns)),
    path("resilience/financial/", include(urls_financial.urlpatterns)),
    path("resilience/scenarios/", include(urls_scenarios.urlpatterns)),
    path("resilience/platform/", include(urls_platform.urlpatterns)),
]
