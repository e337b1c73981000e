from django.urls import path

from . import views, views_checklist, views_uploads

app_name = "bids"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lots/<int:lot_id>/bid/", views.edit, name="edit"),
    path("lots/<int:lot_id>/bid/start/", views.start, name="start"),
    path("bids/<int:bid_id>/answers/<int:question_id>/", views.autosave_answer, name="autosave"),
    path("bids/<int:bid_id>/submit/", views.submit, name="submit"),
    path("bids/<int:bid_id>/checklist/", views_checklist.checklist_fragment, name="checklist"),
    path("bids/<int:bid_id>/submit-lot/", views_checklist.submit_lot, name="submit_lot"),
    path("tenders/<str:reference>/", views_checklist.tender_bids, name="tender"),
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
    path("bids/<int:bid_id>/uploads/", views_uploads.uploads, name="uploads"),
    path("bids/<int:bid_id>/uploads/<str:token>/", views_uploads.upload, name="upload"),
]
