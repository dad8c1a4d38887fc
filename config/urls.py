from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("workbench.urls")),
    path("categories/", include("categories.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("admin/", admin.site.urls),
]
