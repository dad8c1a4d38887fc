from django.urls import path

from categories import views

app_name = "categories"
urlpatterns = [
    path("", views.category_list, name="list"),
    path("<str:code>/", views.category_detail, name="detail"),
    path("<str:code>/edit/", views.category_edit, name="edit"),
]
