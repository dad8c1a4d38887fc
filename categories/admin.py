from django.contrib import admin

from categories.models import Category, ImportBatch, SpendLine
from categories.summary import refresh_spend_summary


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


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "owner", "depth"]
    list_filter = ["depth", "owner"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "owner"]


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


# --- Importing spend ---------------------------------------------------------------------------
from categories.models import (  # noqa: E402
    ClassificationRule,
    ColumnMapping,
    ExchangeRate,
    ImportJob,
)


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


# --- Category plans ----------------------------------------------------------------------------
from categories.models import (  # noqa: E402
    CategoryPlan,
    Initiative,
    InitiativeImpact,
    PlanEndorsement,
    PlanEvent,
    PlanObjective,
    RealisedSaving,
    StageProbability,
)


class PlanObjectiveInline(admin.TabularInline):
    model = PlanObjective
    extra = 0


@admin.register(CategoryPlan)
class CategoryPlanAdmin(admin.ModelAdmin):
    list_display = ["category", "fiscal_year", "title", "status", "revision"]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["category"]
    raw_id_fields = ["category", "created_by", "approved_by"]
    inlines = [PlanObjectiveInline]


class InitiativeImpactInline(admin.TabularInline):
    model = InitiativeImpact
    extra = 0


class RealisedSavingInline(admin.TabularInline):
    model = RealisedSaving
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "lever", "stage", "hard_savings", "cost_avoidance", "revenue"]
    list_filter = ["stage", "lever"]
    list_select_related = ["plan__category"]
    raw_id_fields = ["plan", "owner"]
    inlines = [InitiativeImpactInline, RealisedSavingInline]


@admin.register(PlanEndorsement)
class PlanEndorsementAdmin(admin.ModelAdmin):
    list_display = ["plan", "revision", "unit", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]


@admin.register(PlanEvent)
class PlanEventAdmin(admin.ModelAdmin):
    list_display = ["at", "plan", "action", "by"]
    readonly_fields = ["plan", "initiative", "revision", "action", "changes", "by", "at"]


admin.site.register(StageProbability)
