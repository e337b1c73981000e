"""Pages: the platform admin's, for supplier resilience (/resilience/platform/): the
resilience team role and the strategic supplier mark."""

from django.urls import path

from . import views_platform as views

urlpatterns = [
    path("team/", views.team, name="platform_team"),
    path("team/<int:pk>/end/", views.team_end, name="platform_team_end"),
    path("strategic/", views.strategic, name="strategic"),
    path("strategic/<int:pk>/mark/", views.strategic_mark, name="strategic_mark"),
    path("strategic/<int:pk>/end/", views.strategic_end, name="strategic_end"),
]
