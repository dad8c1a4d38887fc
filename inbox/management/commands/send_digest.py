"""`manage.py send_digest`, once a week (cron or a systemd timer): each person's digest of what
still waits on them; the task worker sends them."""

from django.core.management.base import BaseCommand

from inbox.digest import digests_write


class Command(BaseCommand):
    help = "Write this week's digest for everyone with something open."

    def handle(self, *args, **options):
        written = digests_write()
        if options["verbosity"]:
            self.stdout.write(f"Digests: {written}")
