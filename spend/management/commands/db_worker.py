"""`manage.py db_worker`: django-tasks-db's worker (this app comes before django_tasks_db in
INSTALLED_APPS, so this command is the one run), which first fails the imports whose worker
died and then keeps doing so every little while (spend.importing.heartbeat), so a killed
import never stays "Importing" for ever."""

import threading

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from spend.importing.heartbeat import sweep_now_and_then, sweep_stalled_jobs


class Command(WorkerCommand):
    def handle(self, *args, **options):
        failed = sweep_stalled_jobs()
        if failed and options["verbosity"]:
            self.stdout.write(f"Import(s) whose worker stopped marked failed: {failed}")
        stop = threading.Event()
        sweeper = threading.Thread(
            target=sweep_now_and_then, args=(stop,), name="import-sweep", daemon=True
        )
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
