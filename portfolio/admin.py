"""Administrators edit the maturity model's wording here: each dimension with what its five
levels look like and the statements that climb them."""

from django.contrib import admin

from portfolio.models import (
    MaturityAssessment,
    MaturityDescriptor,
    MaturityDimension,
    MaturityScore,
)
from workbench.permissions import may_reword_maturity_model


class AdministratorsEdit:
    """The wording is the administrators' to change (workbench.permissions)."""

    def has_module_permission(self, request):
        return may_reword_maturity_model(request.user)

    def has_view_permission(self, request, obj=None):
        return may_reword_maturity_model(request.user)

    def has_change_permission(self, request, obj=None):
        return may_reword_maturity_model(request.user)


class DescriptorInline(AdministratorsEdit, admin.TabularInline):
    model = MaturityDescriptor
    extra = 0
    max_num = 5
    fields = ["level", "descriptor", "question"]
    readonly_fields = ["level"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MaturityDimension)
class MaturityDimensionAdmin(AdministratorsEdit, admin.ModelAdmin):
    list_display = ["name", "key", "order"]
    readonly_fields = ["key"]
    inlines = [DescriptorInline]

    def has_add_permission(self, request):
        # A dimension needs an evidence rule in categories/maturity.py: the six are fixed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScoreInline(admin.TabularInline):
    model = MaturityScore
    extra = 0
    fields = ["dimension", "suggested_level", "level", "note"]


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(admin.ModelAdmin):
    list_display = ["category", "assessed_on", "assessed_by"]
    list_filter = ["assessed_on"]
    inlines = [ScoreInline]
