from django.urls import path

from stakeholders.views import (
    agreements,
    concerns,
    corrections,
    engagement,
    priorities,
    surveys,
    units,
)

app_name = "stakeholders"
urlpatterns = [
    path("units/", units.unit_list, name="units"),
    path("units/<str:code>/", units.unit_detail, name="unit"),
    path(
        "units/<str:code>/priorities/<str:category_code>/",
        priorities.priority_edit,
        name="priority_edit",
    ),
    path("value-drivers/", units.value_driver_list, name="value_drivers"),
    path("priorities/", priorities.priority_list, name="priorities"),
    path(
        "priorities/category/<str:code>/",
        priorities.category_priorities,
        name="category_priorities",
    ),
    path("surveys/", surveys.round_list, name="rounds"),
    path("surveys/new/", surveys.round_create, name="round_create"),
    path("surveys/voids/", surveys.voids, name="voids"),
    path("surveys/<int:pk>/", surveys.round_detail, name="round"),
    path("surveys/<int:pk>/results/", surveys.round_results, name="round_results"),
    path("surveys/<int:pk>/close/", surveys.round_close, name="round_close"),
    path(
        "surveys/<int:pk>/answer/<str:code>/<str:category_code>/",
        surveys.response_edit,
        name="response",
    ),
    path("you-said-we-did/", concerns.concern_list, name="concerns"),
    path(
        "you-said-we-did/<int:pk>/<str:key>/",
        concerns.concern_respond,
        name="concern_respond",
    ),
    path(
        "you-said-we-did/verdict/<int:pk>/",
        concerns.concern_verdict,
        name="concern_verdict",
    ),
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/result/", agreements.agreement_result, name="agreement_result"),
    path("engagement/", engagement.engagement_log, name="engagement"),
    path("engagement/new/", engagement.engagement_add, name="engagement_add"),
    # Engagement entries, agreements and measures: kind is engagement, agreement or measure.
    path("records/<slug:kind>/<int:pk>/edit/", corrections.record_edit, name="record_edit"),
    path("records/<slug:kind>/<int:pk>/remove/", corrections.record_remove, name="record_remove"),
    path(
        "records/<slug:kind>/<int:pk>/restore/", corrections.record_restore, name="record_restore"
    ),
    path(
        "records/<slug:kind>/<int:pk>/history/", corrections.record_history, name="record_history"
    ),
]
