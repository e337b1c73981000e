from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.downloads, name="downloads"),
    path("publication-policy/", views.policy, name="policy"),
    path("downloads/<str:name>", views.download, name="download"),
]
