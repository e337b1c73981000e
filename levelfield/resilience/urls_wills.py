"""Pages: living wills. `supplier_patterns` at /supplier/living-will/ (the supplier's own),
`urlpatterns` at /resilience/living-wills/ (what its readers may read)."""

from django.urls import path

from . import views_wills as views
from . import views_wills_read as read
from . import views_wills_sections as sections

supplier_patterns = [
    path("", views.overview, name="will"),
    path("start/", views.start, name="will_start"),
    path("submit/", views.submit, name="will_submit"),
    path("owner/", views.owner, name="will_owner"),
    path("contracts/", views.contracts, name="will_contracts"),
    path("draft/", views.draft, name="will_draft"),
    path("versions/<int:number>/", views.version, name="will_version"),
    path("<slug:section>/", sections.section_page, name="will_section"),
    path("<slug:section>/add/", sections.item_add, name="will_item_add"),
    path("<slug:section>/<int:number>/", sections.item_change, name="will_item_change"),
    path("<slug:section>/<int:number>/remove/", sections.item_remove, name="will_item_remove"),
]
urlpatterns = [
    path("", read.will_list, name="wills"),
    path("<int:pk>/", read.detail, name="will_detail"),
    path("<int:pk>/versions/<int:number>/", read.version, name="will_version_detail"),
]
