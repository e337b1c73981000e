from django.urls import path

from . import views

app_name = "bids"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lots/<int:lot_id>/bid/", views.edit, name="edit"),
    path("lots/<int:lot_id>/bid/start/", views.start, name="start"),
    path("bids/<int:bid_id>/answers/<int:question_id>/", views.autosave_answer, name="autosave"),
    path("bids/<int:bid_id>/submit/", views.submit, name="submit"),
    path("bids/<int:bid_id>/withdraw/", views.withdraw, name="withdraw"),
    path("bids/<int:bid_id>/receipt/", views.receipt, name="receipt"),
    path("bids/<int:bid_id>/summary/", views.summary, name="summary"),
    path("bids/<int:bid_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "bids/<int:bid_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "bids/<int:bid_id>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]
