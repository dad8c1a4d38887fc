from django.contrib import admin

from suppliers.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "normalised_name", "country"]
    list_filter = ["country"]
    search_fields = ["name", "normalised_name"]
