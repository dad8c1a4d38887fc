from django.apps import AppConfig


class CategoriesConfig(AppConfig):
    name = "categories"
    verbose_name = "Categories and spend"

    def ready(self):
        from categories import signals  # noqa: F401 (connects the receivers)
