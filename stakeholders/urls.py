from django.urls import path

from stakeholders.views import agreements, engagement, priorities, surveys, units

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
    path(
        "surveys/<int:pk>/answer/<str:code>/<str:category_code>/",
        surveys.response_edit,
        name="response",
    ),
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/result/", agreements.agreement_result, name="agreement_result"),
    path("engagement/", engagement.engagement_log, name="engagement"),
    path("engagement/new/", engagement.engagement_add, name="engagement_add"),
]
