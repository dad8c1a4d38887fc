from django.contrib import admin

from stakeholders.models import (
    AgreementMeasure,
    BusinessUnit,
    ServiceAgreement,
    SurveyRound,
    ValueDriver,
)


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["leads", "assigned_categories"]


@admin.register(ValueDriver)
class ValueDriverAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]


class AgreementMeasureInline(admin.TabularInline):
    model = AgreementMeasure
    extra = 1


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "starts_on", "ends_on"]
    list_filter = ["unit"]
    inlines = [AgreementMeasureInline]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_on", "closes_on", "anonymous"]
    filter_horizontal = ["units"]
