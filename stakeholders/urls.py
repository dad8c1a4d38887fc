from django.urls import path

from stakeholders import views

app_name = "stakeholders"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("value-drivers/", views.value_driver_list, name="value_drivers"),
]
