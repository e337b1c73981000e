"""Stage checklists, people and accreditation (buyer), and the capability view (platform)."""

from django.urls import path

from . import views_checklists as views

urlpatterns = [
    path("buyer/contracts/checklist-template/", views.template, name="checklist_template"),
    path(
        "buyer/contracts/checklist-template/add/",
        views.template_add,
        name="checklist_template_add",
    ),
    path(
        "buyer/contracts/checklist-template/<str:stage>/<int:position>/edit/",
        views.template_edit,
        name="checklist_template_edit",
    ),
    path(
        "buyer/contracts/checklist-template/<str:stage>/<int:position>/remove/",
        views.template_remove,
        name="checklist_template_remove",
    ),
    path(
        "buyer/contracts/checklist-template/<str:stage>/<int:position>/move/<str:direction>/",
        views.template_move,
        name="checklist_template_move",
    ),
    path("buyer/contracts/<int:pk>/checklist/", views.checklist, name="checklist"),
    path(
        "buyer/contracts/<int:pk>/checklist/<int:item_id>/",
        views.item,
        name="checklist_item",
    ),
    path("buyer/people/", views.people, name="people"),
    path(
        "buyer/people/<int:user_id>/accreditation/",
        views.accreditation,
        name="accreditation",
    ),
    path("platform/capability/", views.capability, name="capability"),
]
