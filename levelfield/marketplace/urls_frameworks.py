"""The marketplace's pages for frameworks and applications (listed in urls.py under the
namespace marketplace). `supplier_application` is the page the decision emails link to."""

from django.urls import path

from . import views_frameworks as views

urlpatterns: list = [
    # Anyone
    path("frameworks/", views.frameworks_list, name="frameworks"),
    path("frameworks/<int:pk>/", views.framework_page, name="framework"),
    # The platform admin
    path("admin/frameworks/", views.admin_frameworks, name="admin_frameworks"),
    path("admin/frameworks/new/", views.admin_framework_create, name="admin_framework_create"),
    path("admin/frameworks/<int:pk>/", views.admin_framework, name="admin_framework"),
    path(
        "admin/frameworks/<int:pk>/edit/", views.admin_framework_edit, name="admin_framework_edit"
    ),
    path(
        "admin/frameworks/<int:pk>/step/<slug:step>/",
        views.admin_framework_step,
        name="admin_framework_step",
    ),
    path(
        "admin/frameworks/<int:pk>/expire/",
        views.admin_framework_expire,
        name="admin_framework_expire",
    ),
    path(
        "admin/frameworks/<int:pk>/applications/",
        views.admin_applications,
        name="admin_applications",
    ),
    path("admin/applications/<int:pk>/", views.admin_application, name="admin_application"),
    # A supplier
    path("frameworks/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/", views.supplier_applications, name="supplier_applications"),
    path("applications/<int:pk>/", views.supplier_application, name="supplier_application"),
    path(
        "applications/<int:pk>/declare/",
        views.application_declare,
        name="application_declare",
    ),
    path("applications/<int:pk>/check/", views.application_check, name="application_check"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
]
