from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = "Workbench: roles, home pages, demo company"

    def ready(self):
        from workbench import figures

        # Every save and delete of a row that feeds derived figures outdates their cache.
        figures.connect_signals()
