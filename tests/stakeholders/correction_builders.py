"""Stakeholder records to correct in tests."""

import datetime


def add_unit_engagement(company, minutes=1440):
    """A day logged with Manufacturing on IT (four hours were meant)."""
    from stakeholders.models import EngagementEntry

    return EngagementEntry.objects.create(
        unit=company.manufacturing,
        category=company.it,
        date=datetime.date.today() - datetime.timedelta(days=3),
        minutes=minutes,
        people="Ann, plant manager",
        topic="Quarterly review",
        recorded_by=company.manager,
    )
