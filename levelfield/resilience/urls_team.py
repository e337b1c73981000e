"""Pages: the resilience team's home and concentration risk, under /resilience/."""

from django.urls import path

from . import views_team

urlpatterns = [
    path("", views_team.home, name="home"),
    path("concentration/", views_team.concentration_page, name="concentration"),
    path(
        "concentration/download/",
        views_team.concentration_download,
        name="concentration_csv",
    ),
]
