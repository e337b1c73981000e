from django.urls import path

from . import (
    urls_changes,
    urls_checklists,
    urls_contract,
    urls_kpis,
    urls_payments,
    views,
)

app_name = "contracts"
urlpatterns = [
    path("buyer/tenders/<int:pk>/award/", views.award, name="award"),
    path("buyer/tenders/<int:pk>/exclusions/", views.exclusions, name="exclusions"),
    path("buyer/tenders/<int:pk>/award/notice/", views.notice, name="notice"),
    path("buyer/tenders/<int:pk>/lots/<int:lot_id>/contract/", views.record, name="record"),
    path("buyer/tenders/<int:pk>/contracts/<int:contract_id>/sign/", views.sign, name="sign"),
    # Contract management, one module per concern; each holds its buyer, supplier and public
    # pages (paths start buyer/, supplier/contracts/ and contracts/).
    *urls_contract.urlpatterns,
    *urls_checklists.urlpatterns,
    *urls_kpis.urlpatterns,
    *urls_payments.urlpatterns,
    *urls_changes.urlpatterns,
]
