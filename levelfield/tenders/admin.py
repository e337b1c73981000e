from django.contrib import admin

from levelfield.core.admin import ReadOnlyAdmin

from .models import Clarification, Lot, Tender


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ("number", "title", "price_weight", "price_formula", "quality_threshold", "tie_break")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "buyer", "status", "submission_deadline")
    list_filter = ("status",)
    search_fields = ("reference", "title")
    list_select_related = ("buyer",)
    inlines = [LotInline]


@admin.register(Clarification)
class ClarificationAdmin(ReadOnlyAdmin):
    list_display = ("tender", "asked_at", "answered_at")
    list_select_related = ("tender",)
