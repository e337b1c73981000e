"""Invoices and payments pages (s.68-s.70): a contract's invoices for the buyer and the
supplier, the buyer's payments page, and the public page of a payments compliance notice."""

from django.urls import path

from . import views_payments as views

INVOICE = "buyer/contracts/<int:pk>/invoices/<int:invoice_id>"

urlpatterns = [
    path("buyer/contracts/<int:pk>/invoices/", views.contract_invoices, name="payments_contract"),
    path(f"{INVOICE}/paid/", views.mark_paid, name="payments_mark_paid"),
    path(f"{INVOICE}/dispute/", views.dispute, name="payments_dispute"),
    path(f"{INVOICE}/resolve/", views.resolve, name="payments_resolve"),
    path(f"{INVOICE}/correct/", views.correct, name="payments_correct"),
    path("buyer/payments/", views.buyer_payments, name="payments_buyer"),
    path("buyer/payments/import/", views.import_invoices, name="payments_import"),
    path("buyer/payments/publish/", views.publish_notices, name="payments_publish"),
    path(
        "supplier/contracts/<int:pk>/invoices/",
        views.supplier_invoices,
        name="payments_supplier",
    ),
    path(
        "contracts/payments-compliance/<int:buyer_id>/<str:key>/",
        views.public_compliance,
        name="public_payments_compliance",
    ),
]
