from django.urls import path

from . import views

app_name = "correspondence"
urlpatterns = [
    path("", views.supplier_threads, name="supplier_threads"),
    path("tenders/<int:tender_id>/", views.tender_threads, name="tender_threads"),
    path("tenders/<int:tender_id>/new/", views.start, name="start"),
    path("tenders/<int:tender_id>/record/", views.record, name="record"),
    path("<int:pk>/", views.thread, name="thread"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
