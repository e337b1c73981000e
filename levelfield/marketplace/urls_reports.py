"""The marketplace's pages for reports (listed in urls.py under the namespace marketplace)."""

from django.urls import path

from . import views_reports

urlpatterns: list = [
    path("reports/", views_reports.report, name="report"),
    path("reports/download/", views_reports.report_csv, name="report_csv"),
    path("savings/", views_reports.buyer_savings, name="savings"),
]
