from django.contrib import admin

from spend.models import (
    ClassificationRule,
    ColumnMapping,
    ExchangeRate,
    ImportBatch,
    ImportJob,
    SpendLine,
)
from spend.summary import refresh_spend_summary


class KeepsSpendSummaryCurrent:
    """Lines changed or removed here (one by one, or with their batch) change the figures the
    cube reads from the spend summary: rebuild it after each change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_spend_summary()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_spend_summary()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        refresh_spend_summary()


@admin.register(ImportBatch)
class ImportBatchAdmin(KeepsSpendSummaryCurrent, admin.ModelAdmin):
    list_display = ["source", "line_count", "created_at", "created_by"]
    readonly_fields = ["content_hash", "created_at"]


@admin.register(SpendLine)
class SpendLineAdmin(KeepsSpendSummaryCurrent, admin.ModelAdmin):
    list_display = ["date", "supplier", "category", "business_unit", "amount", "currency"]
    list_select_related = ["supplier", "category", "business_unit"]
    raw_id_fields = ["supplier", "category", "business_unit", "import_batch"]
    date_hierarchy = "date"
    search_fields = ["document_reference", "description"]
    # A count over a million lines on every page would make the admin crawl.
    show_full_result_count = False


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "date_format", "decimal_comma", "default_currency", "updated_at"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "month", "rate"]
    list_filter = ["currency"]


@admin.register(ClassificationRule)
class ClassificationRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "supplier", "gl_account", "keyword", "category"]
    list_filter = ["kind"]
    raw_id_fields = ["supplier", "category"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "status",
        "rows_total",
        "lines_stored",
        "error_count",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = ["content_hash", "stored_path", "batch", "created_at", "finished_at"]
