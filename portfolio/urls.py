from django.urls import path

from portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("board-pack/", views.board_pack_page, name="board_pack"),
    path("maturity/", views.maturity_overview, name="maturity"),
    path("maturity/<str:code>/", views.category_maturity, name="category_maturity"),
    path("maturity/<str:code>/assess/", views.assess, name="assess"),
]
