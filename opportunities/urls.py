from django.urls import path

from opportunities import views

app_name = "opportunities"
urlpatterns = [
    path("", views.portfolio_finder, name="portfolio"),
    path("category/<str:code>/", views.category_finder, name="category"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path(
        "duplicates/<int:first>/<int:second>/decide/",
        views.duplicate_decide,
        name="duplicate_decide",
    ),
]
