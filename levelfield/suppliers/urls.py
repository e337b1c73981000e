from django.urls import path

from . import views

app_name = "suppliers"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("edit/", views.profile_edit, name="profile_edit"),
    path("declaration/", views.declaration, name="declaration"),
    path("certificates/", views.certificates, name="certificates"),
    path(
        "certificates/<int:certificate_id>/document/",
        views.certificate_document,
        name="certificate_document",
    ),
    path(
        "certificates/<int:certificate_id>/remove/",
        views.certificate_remove,
        name="certificate_remove",
    ),
    path("consortia/", views.consortia, name="consortia"),
    path("consortia/new/", views.consortium_create, name="consortium_create"),
    path("consortia/<int:pk>/", views.consortium, name="consortium"),
    path("consortia/<int:pk>/invite/", views.consortium_invite, name="consortium_invite"),
    path(
        "consortia/<int:pk>/members/<int:member_id>/withdraw/",
        views.consortium_member_change,
        {"change": "withdraw"},
        name="consortium_withdraw",
    ),
    path(
        "consortia/<int:pk>/members/<int:member_id>/remove/",
        views.consortium_member_change,
        {"change": "remove"},
        name="consortium_remove",
    ),
    path("consortia/<int:pk>/leave/", views.consortium_leave, name="consortium_leave"),
    path(
        "consortia/<int:pk>/members/<int:member_id>/guarantee/",
        views.consortium_guarantee,
        name="consortium_guarantee",
    ),
    path(
        "consortia/invitations/<int:member_id>/<str:answer>/",
        views.consortium_respond,
        name="consortium_respond",
    ),
    path("bids/<int:bid_id>/subcontractors/", views.subcontractors, name="subcontractors"),
    path(
        "bids/<int:bid_id>/subcontractors/<int:subcontractor_id>/remove/",
        views.subcontractor_remove,
        name="subcontractor_remove",
    ),
]
