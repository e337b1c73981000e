"""The contract record's pages: the buyer's register and contract pages, the supplier's
contracts, and the public register."""

from django.urls import path

from . import views_contract, views_contract_public, views_contract_steps

urlpatterns = [
    path("buyer/contracts/", views_contract.register, name="register"),
    path(
        "buyer/contracts/download/<str:kind>/",
        views_contract.register_download,
        name="register_download",
    ),
    path("buyer/contracts/enter/", views_contract.enter, name="enter"),
    path("buyer/contracts/<int:pk>/", views_contract.detail, name="detail"),
    path("buyer/contracts/<int:pk>/edit/", views_contract.edit, name="edit"),
    path("buyer/contracts/<int:pk>/suspend/", views_contract_steps.suspend, name="suspend"),
    path("buyer/contracts/<int:pk>/manager/", views_contract_steps.manager, name="manager"),
    path(
        "buyer/contracts/<int:pk>/options/add/", views_contract_steps.add_option, name="add_option"
    ),
    path(
        "buyer/contracts/<int:pk>/options/<int:option_id>/remove/",
        views_contract_steps.remove_option,
        name="remove_option",
    ),
    path(
        "buyer/contracts/<int:pk>/documents/add/",
        views_contract_steps.add_document,
        name="add_document",
    ),
    path(
        "buyer/contracts/<int:pk>/documents/<int:document_id>/",
        views_contract_steps.document,
        name="document",
    ),
    path(
        "buyer/contracts/<int:pk>/documents/<int:document_id>/remove/",
        views_contract_steps.remove_document,
        name="remove_document",
    ),
    # Each step on a page of its own (the other concerns' pages sit under the same contract).
    *[
        path(
            f"buyer/contracts/<int:pk>/{step}/",
            views_contract_steps.step,
            {"step": step},
            name=name,
        )
        for step, name in views_contract_steps.STEP_URL_NAMES.items()
    ],
    path(
        "supplier/contracts/", views_contract_public.supplier_contracts, name="supplier_contracts"
    ),
    path(
        "supplier/contracts/<int:pk>/",
        views_contract_public.supplier_contract,
        name="supplier_contract",
    ),
    path("contracts/", views_contract_public.public_register, name="public_register"),
    path("contracts/<int:pk>/", views_contract_public.public_contract, name="public_contract"),
]
