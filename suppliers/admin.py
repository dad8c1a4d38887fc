from django.contrib import admin

from suppliers.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "normalised_name", "country"]
    list_filter = ["country"]
    search_fields = ["name", "normalised_name"]


from suppliers.models import SupplierAlias  # noqa: E402


@admin.register(SupplierAlias)
class SupplierAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "supplier", "confirmed", "score"]
    list_filter = ["confirmed"]
    search_fields = ["name", "normalised_name"]
    raw_id_fields = ["supplier"]
