from django.contrib import admin

from inbox.models import DeliveryPreference, Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The log of emails: what was said to whom, and whether it went."""

    list_display = ["created_at", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    readonly_fields = [field.name for field in Message._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DeliveryPreference)
class DeliveryPreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "how"]
    list_filter = ["kind", "how"]
