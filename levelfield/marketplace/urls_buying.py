"""The marketplace's pages for buying (listed in urls.py under the namespace marketplace): the
catalogue search, a buyer's projects, a project's shortlist (download, compare) and outcome."""

from django.urls import path

from . import views_buying as views

urlpatterns: list = [
    path("search/", views.search_page, name="search"),
    path("projects/", views.projects_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/save-search/", views.save_search, name="project_save_search"),
    path("projects/<int:pk>/end/", views.project_end, name="project_end"),
    path(
        "projects/<int:pk>/shortlist.<str:kind>",
        views.shortlist_download,
        name="project_shortlist_download",
    ),
    path("projects/<int:pk>/compare/", views.compare, name="project_compare"),
    path("projects/<int:pk>/outcome/", views.outcome, name="project_outcome"),
]
