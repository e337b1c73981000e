from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("tenders/<int:pk>/evaluation/", views.overview, name="overview"),
    path("tenders/<int:pk>/evaluation/open/", views.open_bids, name="open"),
    path("tenders/<int:pk>/evaluation/evaluators/", views.assign, name="assign"),
    path("tenders/<int:pk>/evaluation/declaration/", views.declare, name="declare"),
    path(
        "tenders/<int:pk>/evaluation/bids/<int:bid_id>/questions/<int:question_id>/score/",
        views.score,
        name="score",
    ),
    path(
        "tenders/<int:pk>/evaluation/bids/<int:bid_id>/questions/<int:question_id>/moderate/",
        views.moderate,
        name="moderate",
    ),
    path("tenders/<int:pk>/evaluation/report/", views.report_page, name="report"),
    path("tenders/<int:pk>/evaluation/report.csv", views.report_csv, name="report_csv"),
]
