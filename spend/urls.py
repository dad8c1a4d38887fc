"""Spend pages live under /categories/ where they were first published (bookmarks and shared
cube links keep working): config/urls.py includes these before the category tree's
`<code>/` catch-all."""

from django.urls import path

from spend.views import cube, imports, kraljic, picker

app_name = "spend"
urlpatterns = [
    path("cube/", cube.spend_cube, name="cube"),
    path("cube/lines/", cube.cube_lines, name="cube_lines"),
    path("cube/charts/<slug:chart>/", cube.cube_chart, name="cube_chart"),
    path("kraljic/", kraljic.kraljic_matrix, name="kraljic"),
    path(
        "kraljic/overrides/<int:pk>/withdraw/",
        kraljic.kraljic_assessment_withdraw,
        name="kraljic_withdraw",
    ),
    path(
        "kraljic/overrides/<int:pk>/reinstate/",
        kraljic.kraljic_assessment_reinstate,
        name="kraljic_reinstate",
    ),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/rejected/", imports.import_rejected, name="import_rejected"),
    path("imports/<int:pk>/sheet/", imports.import_sheet, name="import_sheet"),
    path("imports/<int:pk>/store-valid/", imports.import_store_valid, name="import_store_valid"),
    path("imports/<int:pk>/undo/", imports.import_undo, name="import_undo"),
    path("imports/<int:pk>/retry/", imports.import_retry, name="import_retry"),
    path("imports/supplier-matches/", imports.supplier_matches, name="supplier_matches"),
    path("imports/unclassified/", imports.unclassified, name="unclassified"),
    path("imports/fx-rates/", imports.exchange_rates, name="exchange_rates"),
    path("imports/rules/", imports.classification_rules, name="classification_rules"),
    path("imports/category-picker/", picker.category_picker, name="category_picker"),
    path("<str:code>/kraljic/", kraljic.kraljic_position, name="kraljic_position"),
]
