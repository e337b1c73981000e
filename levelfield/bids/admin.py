"""Platform admin for bids. Sealed bids are not there: the admin list starts from
`Bid.objects.unsealed()`, so nothing of a bid shows before its deadline, even to a superuser."""

from django.contrib import admin

from levelfield.core.admin import ReadOnlyAdmin

from .models import Bid, BidAnswer, BidAttachment


class BidAnswerInline(admin.TabularInline):
    model = BidAnswer
    extra = 0
    can_delete = False
    readonly_fields = ("question", "text")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = ("id", "lot", "supplier", "status", "price", "submitted_at")
    list_select_related = ("lot__tender", "supplier")
    readonly_fields = ("lot", "supplier", "status", "price", "submitted_at", "receipt_hash")
    exclude = ("created_by", "submitted_by")
    inlines = [BidAnswerInline]

    def get_queryset(self, request):
        return Bid.objects.unsealed().select_related("lot__tender", "supplier")


@admin.register(BidAttachment)
class BidAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "bid", "title", "size", "uploaded_at")

    def get_queryset(self, request):
        return BidAttachment.objects.filter(bid__in=Bid.objects.unsealed())
