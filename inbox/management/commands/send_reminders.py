"""`manage.py send_reminders`, once a day (cron or a systemd timer): reminds the leads of units
that have not answered a round closing within ROUND_REMINDER_DAYS, and tells managers of
contracts whose notice date falls within CONTRACT_NOTICE_EMAIL_DAYS. Each is said once; the
task worker sends them."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from inbox import notify
from stakeholders.models import SurveyRound
from suppliers.models import Contract

ROUND_REMINDER_DAYS = 3
CONTRACT_NOTICE_EMAIL_DAYS = 30


class Command(BaseCommand):
    help = "Remind units of rounds closing soon and managers of contract notice dates."

    def handle(self, *args, **options):
        today = timezone.localdate()
        rounds = SurveyRound.objects.filter(
            opens_on__lte=today,
            closes_on__gte=today,
            closes_on__lte=today + datetime.timedelta(days=ROUND_REMINDER_DAYS),
        )
        reminders = sum(notify.round_closing(survey_round, today) for survey_round in rounds)
        horizon = today + datetime.timedelta(days=CONTRACT_NOTICE_EMAIL_DAYS)
        contracts = Contract.objects.filter(end__gte=today, initiatives__isnull=True).distinct()
        notices = sum(
            notify.contract_notice(contract, today)
            for contract in contracts.select_related("supplier")
            if today <= contract.notice_by <= horizon
        )
        if options["verbosity"]:
            self.stdout.write(f"Round reminders: {reminders}; contract notices: {notices}")
