from django.contrib import admin

from audit.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: an audit record that could be edited would prove nothing."""

    list_display = ["at", "kind", "actor_name", "ip_address", "summary"]
    list_filter = ["kind"]
    search_fields = ["actor_name", "summary"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
