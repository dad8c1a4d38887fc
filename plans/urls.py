"""Category plans live under /categories/plans/ where they were first published; config/urls.py
includes these before the category tree's `<code>/` catch-all."""

from django.urls import path

from plans.views import initiatives, plans

app_name = "plans"
urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("new/", plans.plan_create, name="plan_create"),
    path("savings/", plans.plan_savings, name="plan_savings"),
    path("stage-probabilities/", plans.stage_probabilities, name="stage_probabilities"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/print/", plans.plan_print, name="plan_print"),
    path("<int:pk>/alpha/", plans.plan_alpha, name="plan_alpha"),
    path("<int:pk>/endorse/", plans.plan_endorse, name="plan_endorse"),
    path("<int:pk>/move/<str:action>/", plans.plan_transition, name="plan_transition"),
    path("<int:pk>/initiatives/new/", initiatives.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/", initiatives.initiative_edit, name="initiative_edit"),
    path(
        "initiatives/from/<str:kind>/<int:pk>/",
        initiatives.initiative_from_source,
        name="initiative_from_source",
    ),
    path(
        "initiatives/<int:pk>/realised/",
        initiatives.initiative_realised,
        name="initiative_realised",
    ),
]
