from django.apps import AppConfig


class SpendConfig(AppConfig):
    name = "spend"
    verbose_name = "Spend"

    def ready(self):
        from spend import signals  # noqa: F401 (connects the receivers)
