"""Pages: failure scenarios, under /resilience/scenarios/ (the resilience team only)."""

from django.urls import path

from . import views_scenario_files, views_scenarios

urlpatterns = [
    path("", views_scenarios.scenario_list, name="scenarios"),
    path("new/", views_scenarios.scenario_new, name="scenario_new"),
    path("<int:pk>/", views_scenarios.scenario_detail, name="scenario"),
    path("<int:pk>/download/csv/", views_scenario_files.scenario_csv, name="scenario_csv"),
    path("<int:pk>/download/pdf/", views_scenario_files.scenario_pdf, name="scenario_pdf"),
]
