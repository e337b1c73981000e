"""The buyer's tender pages, mounted at /buyer/."""

from django.urls import path

from . import views, views_amend, views_clarify, views_periods

app_name = "tenders"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tenders/new/", views.create, name="create"),
    path("tenders/<int:pk>/", views.detail, name="detail"),
    path("tenders/<int:pk>/edit/", views.edit, name="edit"),
    path("tenders/<int:pk>/lots/new/", views.lot_add, name="lot_add"),
    path("tenders/<int:pk>/lots/<int:lot_id>/", views.lot_edit, name="lot_edit"),
    path(
        "tenders/<int:pk>/lots/<int:lot_id>/questions/new/",
        views.question_add,
        name="question_add",
    ),
    path(
        "tenders/<int:pk>/questions/<int:question_id>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "tenders/<int:pk>/questions/<int:question_id>/remove/",
        views.question_remove,
        name="question_remove",
    ),
    path("tenders/<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("tenders/<int:pk>/publish/", views.publish, name="publish"),
    path(
        "tenders/<int:pk>/barriers/<slug:code>/reason/",
        views.barrier_reason,
        name="barrier_reason",
    ),
    path("tenders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("tenders/<int:pk>/amend/", views_amend.amend, name="amend"),
    path(
        "tenders/<int:pk>/tendering-period/",
        views_periods.tendering_period,
        name="tendering_period",
    ),
    path(
        "tenders/<int:pk>/tendering-period/preview/",
        views_periods.tendering_period_preview,
        name="tendering_period_preview",
    ),
    path(
        "tenders/<int:pk>/amend/period-preview/",
        views_periods.amend_period_preview,
        name="amend_period_preview",
    ),
    path("tenders/<int:pk>/clarifications/", views_clarify.clarifications, name="clarifications"),
    path(
        "tenders/<int:pk>/clarifications/<int:clarification_id>/answer/",
        views_clarify.answer,
        name="answer",
    ),
    path("tenders/<int:pk>/open-evaluation/", views.open_evaluation, name="open_evaluation"),
]
