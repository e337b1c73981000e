from django.contrib import admin

from .models import Clarification, Lot, Tender


class ViewOnlyAdmin(admin.ModelAdmin):
    """State changes go through actions (and their audit events), never the admin's forms."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ("number", "title", "price_weight", "price_formula", "quality_threshold", "tie_break")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tender)
class TenderAdmin(ViewOnlyAdmin):
    list_display = ("reference", "title", "buyer", "status", "submission_deadline")
    list_filter = ("status",)
    search_fields = ("reference", "title")
    list_select_related = ("buyer",)
    inlines = [LotInline]


@admin.register(Clarification)
class ClarificationAdmin(ViewOnlyAdmin):
    list_display = ("tender", "asked_at", "answered_at")
    list_select_related = ("tender",)
