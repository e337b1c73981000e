"""Pages: the resilience team's financial standing (/resilience/financial/)."""

from django.urls import path

from . import views_financial as views

urlpatterns = [
    path("", views.overview, name="financial"),
    path("suppliers/<int:pk>/", views.supplier, name="financial_supplier"),
    path("suppliers/<int:pk>/readings/new/", views.record_reading, name="financial_reading"),
    path("breaches/<int:pk>/notified/", views.breach_notified, name="financial_notified"),
    path("indicators/", views.indicators, name="financial_indicators"),
    path("import/", views.import_readings, name="financial_import"),
]
