from django.contrib import admin

from opportunities.models import (
    ApprovalThreshold,
    BenchmarkRate,
    DuplicateReview,
    FindingInitiative,
)
from workbench.permissions import may_configure_opportunities


class AdministratorRoleAdmin(admin.ModelAdmin):
    """Open to whoever holds the Administrator role (workbench.permissions)."""

    def has_module_permission(self, request):
        return may_configure_opportunities(request.user)

    def has_view_permission(self, request, obj=None):
        return may_configure_opportunities(request.user)

    def has_add_permission(self, request):
        return may_configure_opportunities(request.user)

    def has_change_permission(self, request, obj=None):
        return may_configure_opportunities(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_configure_opportunities(request.user)


@admin.register(BenchmarkRate)
class BenchmarkRateAdmin(AdministratorRoleAdmin):
    list_display = ["opportunity", "low", "high", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ApprovalThreshold)
class ApprovalThresholdAdmin(AdministratorRoleAdmin):
    list_display = ["name", "amount", "margin"]


@admin.register(DuplicateReview)
class DuplicateReviewAdmin(admin.ModelAdmin):
    list_display = ["supplier", "amount", "first_date", "second_date", "decision", "decided_by"]
    list_filter = ["decision", "reason"]
    list_select_related = ["supplier", "decided_by"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(FindingInitiative)
class FindingInitiativeAdmin(admin.ModelAdmin):
    list_display = ["finding_key", "initiative", "started_by", "started_at"]
    list_select_related = ["initiative", "started_by"]
