from django.contrib import admin
from django.urls import include, path, re_path

from config.moved_admin import moved_admin_page

urlpatterns = [
    path("", include("workbench.urls")),
    # Spend and plan pages keep the addresses they had under /categories/; they come before
    # the category tree, whose "<code>/" would otherwise catch them.
    path("categories/plans/", include("plans.urls")),
    path("categories/", include("spend.urls")),
    path("categories/", include("categories.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("inbox/", include("inbox.urls")),
    path("audit/", include("audit.urls")),
    re_path(
        r"^admin/categories/(?P<model>(?!category/)[a-z]+)/(?P<rest>.*)$",
        moved_admin_page,
    ),
    path("admin/", admin.site.urls),
]

# A value in the address no page could use: a 400 page that says which and what is expected.
handler400 = "workbench.params.bad_request"
