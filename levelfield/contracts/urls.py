from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("tenders/<int:pk>/award/", views.award, name="award"),
    path("tenders/<int:pk>/exclusions/", views.exclusions, name="exclusions"),
    path("tenders/<int:pk>/award/notice/", views.notice, name="notice"),
    path("tenders/<int:pk>/lots/<int:lot_id>/contract/", views.record, name="record"),
    path("tenders/<int:pk>/contracts/<int:contract_id>/sign/", views.sign, name="sign"),
]
