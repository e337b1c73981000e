"""Admin changes go through audited actions. Every model admin registered, Django's and the
libraries' included, refuses to add, change or delete, even for a superuser, except the few that
save through an audited path: correcting an organisation's name (accounts.actions), and editing
a social value model no procurement follows yet (each save and deletion audited in the admin's
transaction). A new admin, inline or admin action that writes fails here until it is audited
and listed."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from levelfield.core.models import AuditEvent
from levelfield.socialvalue import actions as socialvalue_actions
from levelfield.socialvalue.models import PolicyOutcome, SocialValueModel, Theme
from tests.support import testing

pytestmark = pytest.mark.django_db

PERMISSIONS = ("add", "change", "delete")
SOCIAL_VALUE_PART = {"add", "change", "delete"}
# What an admin may do, and the audited path it goes through (see each admin's save_model).
AUDITED = {
    "accounts.Organisation": {"change"},  # accounts.actions.rename_organisation
    "socialvalue.SocialValueModel": SOCIAL_VALUE_PART,  # socialvalue.admin._record_edit
    "socialvalue.Theme": SOCIAL_VALUE_PART,
    "socialvalue.PolicyOutcome": SOCIAL_VALUE_PART,
    "socialvalue.AwardCriterion": SOCIAL_VALUE_PART,
}
# Admin actions (the list's "Action" menu) that call audited actions.
AUDITED_ACTIONS = {"accounts.User": {"deactivate", "reactivate"}}
# The admins that are not shown at all: two-factor devices (their pages show secret keys).
HIDDEN = {"otp_totp.TOTPDevice", "otp_static.StaticDevice"}


@pytest.fixture
def root():
    return testing.UserFactory(is_staff=True, is_superuser=True, email="root@example.org")


@pytest.fixture
def request_as_root(root):
    request = RequestFactory().get("/admin/")
    request.user = root
    return request


def _granted(model_admin, request) -> set[str]:
    return {p for p in PERMISSIONS if getattr(model_admin, f"has_{p}_permission")(request)}


def _overrides(model_admin, name: str) -> bool:
    return getattr(type(model_admin), name) is not getattr(ModelAdmin, name)


def test_every_admin_refuses_to_write_unless_it_goes_through_an_audited_path(request_as_root):
    registry = {m._meta.label: a for m, a in admin.site._registry.items()}
    assert "core.AuditEvent" in registry and "auth.Group" in registry  # the scan sees them
    assert not HIDDEN & registry.keys()
    assert AUDITED.keys() <= registry.keys()
    for label, model_admin in registry.items():
        granted = _granted(model_admin, request_as_root)
        assert granted == AUDITED.get(label, set()), f"{label} admin may {sorted(granted)}"
        if granted & {"add", "change"}:
            assert _overrides(model_admin, "save_model"), label
            assert _overrides(model_admin, "save_formset"), label
        if "delete" in granted:
            assert _overrides(model_admin, "delete_model"), label
            assert _overrides(model_admin, "delete_queryset"), label
        actions = set(model_admin.get_actions(request_as_root))
        expected = AUDITED_ACTIONS.get(label, set())
        if "delete" in granted:
            expected = expected | {"delete_selected"}
        assert actions == expected, f"{label} admin actions {sorted(actions)}"
        assert not model_admin.list_editable, label


def test_no_admin_add_page_opens_for_a_superuser(client, root):
    client.force_login(root)
    for model in admin.site._registry:
        label = model._meta.label
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        status = client.get(url).status_code
        assert status == (200 if "add" in AUDITED.get(label, set()) else 403), label


def test_a_read_only_admin_ignores_a_posted_change_and_deletion(client, root):
    client.force_login(root)
    _, person = testing.supplier_with_user("Posted Ltd")
    change = reverse("admin:accounts_user_change", args=[person.pk])
    assert client.post(change, {"email": "taken@example.org"}).status_code == 403
    delete = reverse("admin:accounts_user_delete", args=[person.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:accounts_user_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    )
    person.refresh_from_db()
    assert person.email != "taken@example.org"


def test_deleting_selected_social_value_parts_is_audited_and_refused_when_in_use(
    client, root, buyer, officer
):
    client.force_login(root)
    model = SocialValueModel.objects.filter(tenders__isnull=True).first()
    themes = list(Theme.objects.filter(model=model).order_by("pk")[:2])
    assert len(themes) == 2
    changelist = reverse("admin:socialvalue_theme_changelist")
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [themes[0].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=themes[0].pk).exists()
    event = AuditEvent.objects.get(action="socialvalue.model_edited")
    assert (event.object_id, event.actor, event.data["part"]) == (str(model.pk), root, "theme")
    assert event.summary.startswith("Deleted theme")

    # Once a procurement follows the model, its parts are not deleted, however asked.
    tender = testing.draft_tender(buyer=buyer, by=officer)
    outcome = PolicyOutcome.objects.filter(theme=themes[1]).first()
    socialvalue_actions.choose_outcomes(
        lot=tender.lots.get(), by=officer, outcomes=[outcome], model=model
    )
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [themes[1].pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)  # the page saying why, or refused
    assert Theme.objects.filter(pk=themes[1].pk).exists()
    assert AuditEvent.objects.filter(action="socialvalue.model_edited").count() == 1
