from django.urls import path

from categories.views import taxonomy

app_name = "categories"
urlpatterns = [
    path("", taxonomy.category_list, name="list"),
    path("<str:code>/", taxonomy.category_detail, name="detail"),
    path("<str:code>/edit/", taxonomy.category_edit, name="edit"),
]
