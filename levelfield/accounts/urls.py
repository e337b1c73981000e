from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("register/", views.register, name="register"),
    path("", views.account, name="account"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisation/<int:organisation_id>/switch/", views.switch_organisation, name="switch"),
    path("tokens/", views.create_token, name="create_token"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("colleagues/invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
