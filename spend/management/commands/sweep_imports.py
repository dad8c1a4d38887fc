"""`manage.py sweep_imports`: fail the imports whose worker stopped (no sign of life for
IMPORT_WORKER_TIMEOUT seconds), so their pages say so and offer to retry them. The worker does
this itself when it starts and every little while; this is for a cron job or by hand."""

from django.core.management.base import BaseCommand

from spend.importing.heartbeat import sweep_stalled_jobs


class Command(BaseCommand):
    help = "Mark as failed the imports whose worker stopped."

    def handle(self, *args, **options):
        failed = sweep_stalled_jobs()
        if options["verbosity"]:
            self.stdout.write(
                f"{len(failed)} import(s) marked failed" + (f": {failed}" if failed else ".")
            )
