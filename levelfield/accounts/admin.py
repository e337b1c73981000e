"""The platform admin's views of people and organisations. Read-only: people, organisations and
memberships change only through the audited actions (invitations and their acceptance, the
pages, the API). The admin's own changes are actions too: deactivating or reactivating people
(`accounts.actions.set_user_active`) and correcting an organisation's name
(`accounts.actions.rename_organisation`). No one can give themselves a membership here, and so
nobody can join a bidder's organisation to read its bids unseen."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from levelfield.core.admin import ReadOnly, ReadOnlyAdmin
from levelfield.core.errors import DomainError
from levelfield.tenders import actions as tender_actions

from . import actions
from .models import Membership, Organisation, User


class MembershipInline(ReadOnly, admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "full_name", "is_active", "is_superuser")
    list_filter = ("is_active",)
    search_fields = ("email", "full_name")
    exclude = ("password", "user_permissions", "groups")
    inlines = [MembershipInline]
    actions = ["deactivate", "reactivate"]

    def _set_active(self, request, queryset, active: bool) -> None:
        done = []
        for user in queryset:
            try:
                actions.set_user_active(user=user, by=request.user, active=active)
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.message}", messages.ERROR)
            else:
                done.append(user.email)
        if done:
            verb = "Reactivated" if active else "Deactivated"
            self.message_user(request, f"{verb} {', '.join(done)}", messages.SUCCESS)

    @admin.action(description="Deactivate the selected people (they can no longer sign in)")
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, active=False)

    @admin.action(description="Reactivate the selected people")
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, active=True)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Only the name can be corrected, through `accounts.actions.rename_organisation` (audited);
    a buyer's new name renews the opportunity search in the same transaction."""

    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind", "created_at")
    readonly_fields = ("kind", "created_at")
    inlines = [MembershipInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("accounts.manage_accounts")

    def save_model(self, request, obj, form, change):
        if not change:
            raise PermissionDenied
        try:
            actions.rename_organisation(
                organisation=obj, by=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc
        if "name" in form.changed_data and obj.is_buyer:
            tender_actions.buyer_renamed(buyer=obj)

    def save_formset(self, request, form, formset, change):
        """Memberships are not changed here, whatever is posted: nothing of a formset is saved
        (Django's view-only inlines already ignore their forms)."""
        formset.save(commit=False)
