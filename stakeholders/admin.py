from django.contrib import admin

from stakeholders.models import BusinessUnit, ValueDriver


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["leads"]


@admin.register(ValueDriver)
class ValueDriverAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]
