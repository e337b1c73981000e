"""Read-only admin views for the platform admin. Changes go through the actions (the pages
and the API), so these views do not add, change or delete."""

from django.contrib import admin

from levelfield.core.admin import ReadOnlyAdmin

from .models import (
    Certificate,
    Consortium,
    ConsortiumMember,
    ContractSubcontractor,
    ExclusionDeclaration,
    SupplierProfile,
)


@admin.register(SupplierProfile)
class SupplierProfileAdmin(ReadOnlyAdmin):
    list_display = ("legal_name", "companies_house_number", "size", "is_vcse", "region")
    list_filter = ("size", "is_vcse", "vcse_type", "region")
    search_fields = ("legal_name", "companies_house_number", "charity_number")


@admin.register(ExclusionDeclaration)
class ExclusionDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "declared_at", "expires_at", "grounds_version")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind", "issuer", "expires_on")
    list_filter = ("kind",)
    list_select_related = ("organisation",)


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    fields = ("organisation", "role", "status", "invited_at", "responded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Consortium)
class ConsortiumAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "lead", "liability", "created_at")
    list_select_related = ("organisation", "lead")
    inlines = [MemberInline]


@admin.register(ContractSubcontractor)
class ContractSubcontractorAdmin(ReadOnlyAdmin):
    list_display = ("name", "contract", "size", "is_vcse", "share_percent", "value")
    list_filter = ("size", "is_vcse")
