from django.contrib import admin

from categories.models import Category, ImportBatch, SpendLine


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "owner", "depth"]
    list_filter = ["depth", "owner"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "owner"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["source", "line_count", "created_at", "created_by"]
    readonly_fields = ["content_hash", "created_at"]


@admin.register(SpendLine)
class SpendLineAdmin(admin.ModelAdmin):
    list_display = ["date", "supplier", "category", "business_unit", "amount", "currency"]
    list_select_related = ["supplier", "category", "business_unit"]
    raw_id_fields = ["supplier", "category", "business_unit", "import_batch"]
    date_hierarchy = "date"
    search_fields = ["document_reference", "description"]
    # A count over a million lines on every page would make the admin crawl.
    show_full_result_count = False
