from django.urls import path

from . import views_clarify
from . import views_public as views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("opportunities/<str:reference>/", views.opportunity, name="opportunity"),
    path("opportunities/<str:reference>/questions/", views.ask, name="ask"),
    path(
        "opportunities/<str:reference>/questions/<int:clarification_id>/",
        views_clarify.own_question,
        name="question",
    ),
    path(
        "opportunities/<str:reference>/documents/<int:document_id>/",
        views.document,
        name="document",
    ),
]
