from django.urls import path

from inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("count/", views.count, name="count"),
    path("email/", views.preferences, name="preferences"),
    path("imports/<int:pk>/", views.open_import, name="open_import"),
]
