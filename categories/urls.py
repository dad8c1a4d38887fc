from django.urls import path

from categories.views import cube, imports, initiatives, kraljic, plans, taxonomy

app_name = "categories"
urlpatterns = [
    path("", taxonomy.category_list, name="list"),
    path("cube/", cube.spend_cube, name="cube"),
    path("cube/lines/", cube.cube_lines, name="cube_lines"),
    path("kraljic/", kraljic.kraljic_matrix, name="kraljic"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/rejected/", imports.import_rejected, name="import_rejected"),
    path("imports/<int:pk>/sheet/", imports.import_sheet, name="import_sheet"),
    path("imports/<int:pk>/store-valid/", imports.import_store_valid, name="import_store_valid"),
    path("imports/<int:pk>/undo/", imports.import_undo, name="import_undo"),
    path("imports/supplier-matches/", imports.supplier_matches, name="supplier_matches"),
    path("imports/unclassified/", imports.unclassified, name="unclassified"),
    path("imports/fx-rates/", imports.exchange_rates, name="exchange_rates"),
    path("imports/rules/", imports.classification_rules, name="classification_rules"),
    # Category plans (before the <str:code>/ catch-all).
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/savings/", plans.plan_savings, name="plan_savings"),
    path("plans/stage-probabilities/", plans.stage_probabilities, name="stage_probabilities"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/print/", plans.plan_print, name="plan_print"),
    path("plans/<int:pk>/alpha/", plans.plan_alpha, name="plan_alpha"),
    path("plans/<int:pk>/endorse/", plans.plan_endorse, name="plan_endorse"),
    path("plans/<int:pk>/move/<str:action>/", plans.plan_transition, name="plan_transition"),
    path(
        "plans/<int:pk>/initiatives/new/", initiatives.initiative_create, name="initiative_create"
    ),
    path("plans/initiatives/<int:pk>/", initiatives.initiative_edit, name="initiative_edit"),
    path(
        "plans/initiatives/from/<str:kind>/<int:pk>/",
        initiatives.initiative_from_source,
        name="initiative_from_source",
    ),
    path(
        "plans/initiatives/<int:pk>/realised/",
        initiatives.initiative_realised,
        name="initiative_realised",
    ),
    path("<str:code>/", taxonomy.category_detail, name="detail"),
    path("<str:code>/edit/", taxonomy.category_edit, name="edit"),
    path("<str:code>/kraljic/", kraljic.kraljic_position, name="kraljic_position"),
]
