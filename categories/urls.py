from django.urls import path

from categories.views import cube, imports, kraljic, taxonomy

app_name = "categories"
urlpatterns = [
    path("", taxonomy.category_list, name="list"),
    path("cube/", cube.spend_cube, name="cube"),
    path("cube/lines/", cube.cube_lines, name="cube_lines"),
    path("kraljic/", kraljic.kraljic_matrix, name="kraljic"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/rejected/", imports.import_rejected, name="import_rejected"),
    path("imports/<int:pk>/store-valid/", imports.import_store_valid, name="import_store_valid"),
    path("imports/<int:pk>/undo/", imports.import_undo, name="import_undo"),
    path("imports/supplier-matches/", imports.supplier_matches, name="supplier_matches"),
    path("imports/unclassified/", imports.unclassified, name="unclassified"),
    path("imports/fx-rates/", imports.exchange_rates, name="exchange_rates"),
    path("imports/rules/", imports.classification_rules, name="classification_rules"),
    path("<str:code>/", taxonomy.category_detail, name="detail"),
    path("<str:code>/edit/", taxonomy.category_edit, name="edit"),
    path("<str:code>/kraljic/", kraljic.kraljic_position, name="kraljic_position"),
]
