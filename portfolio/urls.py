from django.urls import path

from portfolio import correction_views, views

app_name = "portfolio"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("board-pack/", views.board_pack_page, name="board_pack"),
    path("board-pack/print/", views.board_pack_print, name="board_pack_print"),
    path("maturity/", views.maturity_overview, name="maturity"),
    path("maturity/<str:code>/", views.category_maturity, name="category_maturity"),
    path("maturity/<str:code>/assess/", views.assess, name="assess"),
    # The maturity model's wording (kind "descriptor"): administrators correct it.
    path("records/<slug:kind>/<int:pk>/edit/", correction_views.record_edit, name="record_edit"),
    path(
        "records/<slug:kind>/<int:pk>/history/",
        correction_views.record_history,
        name="record_history",
    ),
]
