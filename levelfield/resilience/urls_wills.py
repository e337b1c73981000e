"""Pages: living wills. `supplier_patterns` at /supplier/living-will/ (the supplier's own),
`urlpatterns` at /resilience/living-wills/ (what its readers may read)."""

from django.urls import path

from . import views_wills as views

supplier_patterns = [
    path("", views.overview, name="will"),
]
urlpatterns = [
    path("", views.will_list, name="wills"),
    path("<int:pk>/", views.detail, name="will_detail"),
]
